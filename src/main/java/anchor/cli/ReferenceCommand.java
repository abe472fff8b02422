package anchor.cli;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.reference.FrozenCheck;
import anchor.reference.ReferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "reference", description = "Create a frozen reference from a policy (fp32, fp16 or cpu) and report its parameters and bytes.")
final class ReferenceCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32, fp16 or cpu (default ${DEFAULT-VALUE}).")
    String dtype;
    @Option(names = "--time", paramLabel = "T", defaultValue = "0",
            description = "Also time the reference's log-probs on a batch of --batch rows of T tokens (0 = off).")
    int timeTokens;
    @Option(names = "--batch", defaultValue = "1")
    int batch;
    @Option(names = "--reps", defaultValue = "3")
    int reps;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (reps < 1) throw new anchor.AnchorException("--reps must be >= 1, got " + reps);
        if (timeTokens < 0) throw new anchor.AnchorException("--time must be >= 0 tokens (0 = off), got " + timeTokens);
        if (batch < 1) throw new anchor.AnchorException("--batch must be >= 1, got " + batch);
        ReferenceModel.Placement placement = ReferenceModel.Placement.parse(dtype);
        Gpt2Model policy = Gpt2Model.of(modelOptions.load(spec.commandLine().getErr()));
        LanguageModel ref = ReferenceModel.create(policy, placement);
        FrozenCheck check = FrozenCheck.of(policy, ref);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("placement", placement.name().toLowerCase(java.util.Locale.ROOT));
        r.put("parameters", policy.config().parameterCount());
        r.put("policy_trainable", policy.trainableParameterCount());
        r.put("reference_trainable", ref.trainableParameterCount());
        r.put("policy_bytes", policy.parameterBytes());
        r.put("reference_bytes", ref.parameterBytes());
        r.put("any_requires_grad", check.anyRequiresGrad());
        r.put("weights_equal", check.weightsEqual());
        r.put("eval_mode", check.evalMode());
        if (timeTokens > 0) {
            int[][] ids = new int[batch][timeTokens];
            java.util.Random rng = new java.util.Random(0);
            for (int[] row : ids) for (int t = 0; t < timeTokens; t++) row[t] = rng.nextInt(policy.config().vocabSize());
            anchor.gpt2.TokenBatch b = anchor.gpt2.TokenBatch.padded(ids, false);
            ref.tokenLogProbs(b); // warm-up (graph build)
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) ref.tokenLogProbs(b);
            r.put("ms_per_forward", (System.nanoTime() - t0) / 1e6 / reps);
            r.put("timed_shape", new int[]{batch, timeTokens});
        }
        var out = spec.commandLine().getOut();
        if (common.json) {
            Common.printJson(out, r);
            return;
        }
        out.printf("Policy model: %,d trainable parameters, %.1f MB%n", policy.trainableParameterCount(), policy.parameterBytes() / 1048576.0);
        out.printf("Reference model (%s): %,d trainable parameters, %.1f MB%n", r.get("placement"), ref.trainableParameterCount(), ref.parameterBytes() / 1048576.0);
        out.println(check.report());
        if (r.containsKey("ms_per_forward")) out.printf("log-probs at B=%d, T=%d: %.0f ms per forward (mean of %d)%n", batch, timeTokens, r.get("ms_per_forward"), reps);
    }
}
