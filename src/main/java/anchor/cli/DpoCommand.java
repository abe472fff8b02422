package anchor.cli;

import anchor.AnchorException;
import anchor.data.PreferencePair;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoRun;
import anchor.dpo.DpoSettings;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.Optimizer;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "dpo", description = "Train a policy with DPO on TRL-format preference data (defaults: the world's SFT model and data).")
final class DpoCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--policy", paramLabel = "DIR", description = "Policy to train, a Hugging Face directory (default: the world's SFT model).")
    Path policyDir;
    @Option(names = "--reference", paramLabel = "DIR", description = "Frozen reference (default: a copy of the policy).")
    Path referenceDir;
    @Option(names = "--data", paramLabel = "FILE.jsonl", description = "TRL preference pairs: prompt, chosen, rejected (default: the world's 512).")
    Path data;
    @Option(names = "--beta", defaultValue = "0.1", description = "KL-constraint strength β > 0 (default ${DEFAULT-VALUE}).")
    double beta;
    @Option(names = "--loss", defaultValue = "sigmoid", description = "sigmoid, cdpo, ipo, hinge, reference-free")
    String loss;
    @Option(names = "--label-smoothing", defaultValue = "0.0", description = "ε of --loss cdpo, in [0, 0.5).")
    double labelSmoothing;
    @Option(names = "--lr", defaultValue = "1e-4", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw or sgd")
    String optimizer;
    @Option(names = "--batch", defaultValue = "8", description = "Pairs per micro-batch (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--grad-accum", defaultValue = "1", description = "Micro-batches of --batch pairs per optimizer step.")
    int gradAccum;
    @Option(names = "--steps", description = "Optimizer steps (default 100 unless --epochs is given).")
    Integer steps;
    @Option(names = "--epochs", description = "Passes over the data instead of --steps.")
    Double epochs;
    @Option(names = "--max-length", defaultValue = "64", description = "Longest prompt + response in tokens; longer pairs are refused (default ${DEFAULT-VALUE}).")
    int maxLength;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "0 turns clipping off")
    double maxGradNorm;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the batch order.")
    long seed;
    @Option(names = "--precompute-reference", description = "One reference pass over the data first; the reference is then dropped (no per-step KL).")
    boolean precompute;
    @Option(names = "--no-eos", description = "Do not end responses with <|endoftext|>.")
    boolean noEos;
    @Option(names = "--save-every", defaultValue = "50", description = "Steps between checkpoints (out/checkpoint, written atomically).")
    int saveEvery;
    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;
    @Option(names = "--out", defaultValue = "runs/dpo", paramLabel = "DIR", description = "Run directory; a checkpoint there with the same settings is resumed.")
    Path out;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var err = spec.commandLine().getErr();
        if (steps != null && epochs != null) throw new AnchorException("give --steps or --epochs, not both");
        Common.refuseOutOverInputs(out, "--policy", Common.str(policyDir), "--reference", Common.str(referenceDir));
        Common.refuseNonLanguageModels("--policy", Common.str(policyDir), "--reference", Common.str(referenceDir));
        if (data == null) err.println("anchor: --data not given: using the world's preference data");
        List<PreferencePair> pairs = data == null ? World.trainPairs() : Common.preferences(data, err);
        int n = steps != null ? steps : epochs != null ? DpoSettings.stepsForEpochs(epochs, pairs.size(), batch, gradAccum) : 100;
        DpoSettings s = DpoSettings.DEFAULTS.withBeta(beta).withLoss(DpoLoss.Variant.parse(loss)).withLabelSmoothing(labelSmoothing)
                .withBatch(batch).withGradAccum(gradAccum).withSteps(n).withMaxLength(maxLength).withMaxGradNorm(maxGradNorm)
                .withSeed(seed).withEos(!noEos);
        Optimizer.named(optimizer, lr); // checked before any model is loaded
        Path policyPath = Common.modelDir(policyDir, "--policy", err);
        String policyId = policyDir == null ? World.sftId() : policyDir.toAbsolutePath().toString();
        var in = new DpoRun.Inputs(policyPath, policyId, referenceDir,
                referenceDir == null ? "policy" : referenceDir.toAbsolutePath().toString(), pairs,
                data == null ? "world" : data.toAbsolutePath().toString(), Common.tokenizer(policyDir), precompute, optimizer, lr);
        DpoRun.Outcome r = DpoRun.train(in, s, out, saveEvery, !noProgress, err);
        Map<String, Object> last = r.result().last();
        var o = spec.commandLine().getOut();
        o.printf(java.util.Locale.ROOT, "trained %d steps (%d pairs per step); last loss %.4f, reward accuracy %.2f, margin %.4f; peak resident memory %.0f MB%n",
                n, batch * gradAccum, last.get("loss"), last.get("rewards/accuracies"), last.get("rewards/margins"), r.result().peakPhysicalBytes() / 1e6);
        o.printf("model in %s/model; metrics in %s/metrics.jsonl and metrics.csv; curves in %s/loss.png, rewards.png%s%n", out, out, out,
                precompute ? "" : ", kl.png");
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>(last);
            j.put("peak_physical_bytes", r.result().peakPhysicalBytes());
            Common.printJson(o, j);
        }
    }
}
