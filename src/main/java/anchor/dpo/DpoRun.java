package anchor.dpo;

import anchor.checkpoint.HfCheckpoint;
import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.data.PreferenceJsonl;
import anchor.data.PreferencePair;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.Optimizer;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * A whole DPO run in a run directory, as {@code anchor dpo} starts it: tokenise the pairs, build the policy and the
 * frozen reference (resident, or its log-probs precomputed and the model dropped), train with {@link RunLoop} —
 * resuming a checkpoint of the same run — which writes the final policy to {@code out/model}.
 */
public final class DpoRun {
    private DpoRun() {
    }

    /**
     * What a run trains on: the policy's directory, and the reference's (null: a copy of the initial policy). The ids are what identify the inputs in the saved settings (a path, or {@code world:sft}
     * for the embedded model, whose unpacked directory changes every time).
     */
    public record Inputs(Path policy, String policyId, Path reference, String referenceId, List<PreferencePair> data,
                         String dataId, Gpt2Tokenizer tokenizer, boolean precomputeReference, String optimizer, double lr) {
    }

    /** The loop's result, the trained policy, and the reference's parameter bytes (resident or released after precomputing). */
    public record Outcome(RunLoop.Result result, Gpt2Model policy, long referenceBytes) {
    }

    public static Outcome train(Inputs in, DpoSettings s, Path out, int saveEvery, boolean progress, PrintWriter log) {
        Optimizer opt = Optimizer.named(in.optimizer(), in.lr());
        List<PreferenceBatch> pairs = PairBatches.tokenize(in.data(), in.tokenizer(), s.eos(), s.maxLength());
        Models m = load(in, pairs, s, log);            // the inputs are read before the run directory is touched: a bad one leaves nothing behind
        PairBatches.checkPassFits(m.policy().config(), pairs, s.batch(), "one policy pass");
        var trainer = new DpoTrainer(m.policy(), m.initial(), m.reference(), pairs, s, opt);
        RunLoop.Result r = RunLoop.run(trainer, new RunLoop.Options("dpo", s.steps(), out, saveEvery, progress, identity(in, s), DpoTrainer.METRICS, log));
        return new Outcome(r, m.policy(), m.referenceBytes());
    }

    /**
     * The policy, the reference (resident, or its log-probs precomputed and the model dropped), and where the weight
     * divergence finds the initial policy: when the reference is a resident copy of it, the reference's own weights,
     * read out at each measurement, so the Java heap holds no copy (0.5 GB for GPT-2 124M); otherwise the initial
     * weights, kept.
     */
    private record Models(Gpt2Model policy, DpoReference reference, long referenceBytes, Supplier<Gpt2Weights> initial) {
    }

    private static Models load(Inputs in, List<PreferenceBatch> pairs, DpoSettings s, PrintWriter log) {
        Gpt2Weights initial = HfCheckpoint.load(in.policy());
        Gpt2Model policy = Gpt2Model.of(initial);
        Gpt2Model referenceModel = Gpt2Model.frozen(in.reference() == null ? initial : HfCheckpoint.load(in.reference()));
        long bytes = referenceModel.parameterBytes();
        if (in.precomputeReference()) {
            DpoReference reference = DpoReference.precompute(referenceModel, pairs, s.batch());
            log.printf("anchor: reference log-probs precomputed for %d pairs (%d bytes); the reference (%.1f MB of parameters) is released%n",
                    pairs.size(), 16L * pairs.size(), bytes / 1e6);
            return new Models(policy, reference, bytes, () -> initial);
        }
        log.printf("anchor: reference resident during training (%.1f MB of parameters)%n", bytes / 1e6);
        return new Models(policy, new DpoReference.Resident(referenceModel), bytes, in.reference() == null ? referenceModel::weights : () -> initial);
    }

    /** The saved settings a resumed run must match: everything but the step count (a finished run may be extended). */
    static ObjectNode identity(Inputs in, DpoSettings s) {
        ObjectNode id = new ObjectMapper().valueToTree(s);
        id.remove("steps");
        return id.put("optimizer", in.optimizer()).put("lr", in.lr()).put("data", in.dataId()).put("data_sha256", PreferenceJsonl.fingerprint(in.data()))
                .put("policy", in.policyId()).put("reference", in.referenceId());
    }
}
