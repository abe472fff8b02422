package anchor.world;

import anchor.data.PairBatches;
import anchor.data.PreferencePair;
import anchor.data.PromptResponse;
import anchor.gpt2.Gpt2Model;
import anchor.reward.RewardModel;
import anchor.reward.RewardTrainer;
import anchor.tokenizer.Gpt2Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * How good a reward model is, on the world where the true reward is known: its accuracy on held-out pairs beside the
 * gold reward's own accuracy on the same pairs (the labels were drawn from a Bradley–Terry model on the gold reward,
 * so even the gold reward cannot reach 1), and the correlation of its scores with the gold reward on the SFT model's
 * samples for the evaluation prompts (the responses PPO starts from).
 */
public final class RewardReport {
    private RewardReport() {
    }

    /**
     * @param goldAccuracy    NaN when the pairs carry no gold rewards (a file without {@code chosen_gold}/{@code rejected_gold})
     * @param goldCorrelation NaN when it is not defined: the samples' scores, or their gold rewards, are all equal
     */
    public record Report(int pairs, double accuracy, double goldAccuracy, int samples, double goldCorrelation) {
    }

    public static Report of(Gpt2Model reward, List<PreferencePair> heldOut, int samples, long seed) {
        Gpt2Tokenizer tok = World.tokenizer();
        double accuracy = RewardTrainer.accuracy(reward, PairBatches.tokenize(heldOut, tok, true, reward.config().nPositions()), 32);

        List<String> prompts = PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, samples);
        Gpt2Model sft = Gpt2Model.frozen(World.sftWeights());
        List<String> responses = PreferenceData.sample(sft, prompts, seed);
        List<int[]> seqs = new ArrayList<>();
        double[] goldScores = new double[samples];
        for (int i = 0; i < samples; i++) {
            seqs.add(PromptResponse.ids(PreferenceData.promptIds(prompts.get(i)), tok.encode(responses.get(i)), tok.eotId()));
            goldScores[i] = GoldReward.of(responses.get(i));
        }
        return new Report(heldOut.size(), accuracy, goldAccuracy(heldOut), samples, pearson(RewardModel.scores(reward, seqs, 32), goldScores));
    }

    /** How often the gold reward ranks the pairs as labelled (a tie counts ½); NaN when a pair has no gold reward. */
    static double goldAccuracy(List<PreferencePair> pairs) {
        double right = 0;
        for (PreferencePair p : pairs) {
            if (Double.isNaN(p.chosenGold()) || Double.isNaN(p.rejectedGold())) return Double.NaN;   // not known: never counted as 0
            right += p.chosenGold() > p.rejectedGold() ? 1 : p.chosenGold() == p.rejectedGold() ? 0.5 : 0;
        }
        return right / pairs.size();
    }

    /** Pearson's r; NaN when either side is constant (r is not defined there). */
    static double pearson(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Double.NaN;   // a constant has no correlation
    }
}
