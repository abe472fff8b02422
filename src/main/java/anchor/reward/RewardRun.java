package anchor.reward;

import anchor.AnchorException;
import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.data.PreferencePair;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A whole reward-model run in a run directory, as {@code anchor reward train} starts it: the trunk (an SFT model)
 * with a fresh scalar head, trained on the pairs with {@link RewardTrainer} in the run loop (resuming a checkpoint of
 * the same run), which at the end normalises it on the trunk's own samples for the data's prompts and writes it to
 * {@code out/model}.
 */
public final class RewardRun {
    private RewardRun() {
    }

    /** Samples per prompt for the normalisation: one, for at most this many distinct prompts. */
    static final int NORMALIZATION_PROMPTS = 256, RESPONSE_TOKENS = 40;

    /**
     * The fewest distinct prompts the normalisation accepts: its gain is 1/sd over one sample per prompt, and with n
     * samples the sd's relative standard error is about 1/√(2(n−1)) — 13 % at 32 (at 2 prompts, 71 %).
     */
    static final int MIN_NORMALIZATION_PROMPTS = 32;

    /** What a run trains on; the ids identify the inputs in the saved settings. */
    public record Inputs(Gpt2Weights trunk, String trunkId, List<PreferencePair> data, String dataId, Gpt2Tokenizer tokenizer) {
    }

    public record Outcome(RunLoop.Result result, Gpt2Model model, RewardModel.Normalization normalization) {
    }

    public static Outcome train(Inputs in, RewardTrainer.Settings s, Path out, int saveEvery, boolean progress, PrintWriter log) {
        int maxLength = in.trunk().config().nPositions();
        List<PreferenceBatch> pairs = PairBatches.tokenize(in.data(), in.tokenizer(), true, maxLength);
        PairBatches.checkPassFits(in.trunk().config(), pairs, s.batch(), "one training pass");
        Gpt2Model model = Gpt2Model.of(RewardModel.init(in.trunk(), s.seed() + 1));
        List<int[]> prompts = new ArrayList<>();
        for (String p : new LinkedHashSet<>(in.data().stream().map(PreferencePair::prompt).toList())) {
            if (prompts.size() == NORMALIZATION_PROMPTS) break;
            prompts.add(in.tokenizer().encode(p));
        }
        if (prompts.size() < MIN_NORMALIZATION_PROMPTS) {         // checked before any training: the run could not write its model
            throw new AnchorException("the data has " + prompts.size() + " distinct prompt" + (prompts.size() == 1 ? "" : "s") + "; normalising the reward needs at least "
                    + MIN_NORMALIZATION_PROMPTS + " (one sample each, to estimate the scores' spread); give pairs with more prompts");
        }
        ObjectNode id = new ObjectMapper().valueToTree(s);
        id.put("trunk", in.trunkId()).put("data", in.dataId()).put("data_sha256", anchor.data.PreferenceJsonl.fingerprint(in.data()));
        var normalizing = new RewardTrainer.Normalizing(in.trunk(), prompts, RESPONSE_TOKENS, log);
        var trainer = new RewardTrainer(model, pairs, s, normalizing);
        RunLoop.Result r = RunLoop.run(trainer, new RunLoop.Options("reward", s.steps(), out, saveEvery, progress, id, RewardTrainer.METRICS, log));
        return new Outcome(r, model, trainer.normalization());
    }
}
