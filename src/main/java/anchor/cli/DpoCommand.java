package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoTrainer;
import anchor.dpo.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.dpo.DpoRun;
import anchor.safetensors.DType;
import anchor.train.AdamW;
import anchor.train.Optimizer;
import anchor.train.Sgd;
import anchor.world.PreferenceData;
import anchor.world.World;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        if (data == null) err.println("anchor: --data not given: using the world's preference data");
        List<PreferenceData.Pair> pairs = data == null ? World.trainPairs() : PreferenceData.read(data);
        int n = steps != null ? steps : epochs != null ? DpoTrainer.Settings.stepsForEpochs(epochs, pairs.size(), batch, gradAccum) : 100;
        DpoTrainer.Settings s = new DpoTrainer.Settings(beta, DpoLoss.Variant.parse(loss), labelSmoothing, batch, gradAccum, n, maxLength,
                maxGradNorm, seed, !noEos);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new AnchorException("--lr must be a finite number > 0, got " + lr);
        Optimizer opt = switch (optimizer) {
            case "adamw" -> AdamW.standard(lr);
            case "sgd" -> new Sgd(lr);
            default -> throw new AnchorException("unknown optimizer '" + optimizer + "' (adamw or sgd)");
        };
        Path policyPath = Common.modelDir(policyDir, "--policy", err);
        Gpt2Weights init = HfCheckpoint.load(policyPath);
        Gpt2Model policy = Gpt2Model.of(init);
        Gpt2Model reference = Gpt2Model.of(referenceDir == null ? init : HfCheckpoint.load(referenceDir)).frozenCopy();
        List<PreferenceBatch> tokenized = DpoTrainer.tokenize(pairs, s);
        double[][] pre = null;
        long refBytes = reference.parameterBytes();
        if (precompute) {
            pre = DpoTrainer.referenceLogps(reference, tokenized, batch);
            reference = null; // not resident during training
            err.printf("anchor: reference log-probs precomputed for %d pairs (%d bytes); the reference (%.1f MB of parameters) is released%n",
                    tokenized.size(), 16L * tokenized.size(), refBytes / 1e6);
        } else {
            err.printf("anchor: reference resident during training (%.1f MB of parameters)%n", refBytes / 1e6);
        }
        ObjectNode settings = new ObjectMapper().valueToTree(s);
        settings.remove("steps"); // a finished run may be extended: same settings, more steps
        settings.put("optimizer", optimizer).put("lr", lr).put("data", data == null ? "world" : data.toAbsolutePath().toString())
                .put("policy", policyPath.toAbsolutePath().toString()).put("reference", referenceDir == null ? "policy" : referenceDir.toAbsolutePath().toString());
        DpoRun.Result r = DpoRun.train(policy, init, reference, pre, tokenized, s, opt, settings, new DpoRun.Output(out, saveEvery, !noProgress));
        if (r.startStep() > 0) err.printf("anchor: resumed from %s/checkpoint at step %d%n", out, r.startStep());
        HfCheckpoint.save(policy.weights(), out.resolve("model"), DType.F32);
        Map<String, Object> last = r.rows().get(r.rows().size() - 1);
        var o = spec.commandLine().getOut();
        o.printf(java.util.Locale.ROOT, "trained %d steps (%d pairs per step); last loss %.4f, reward accuracy %.2f, margin %.4f; peak resident memory %.0f MB%n",
                n, batch * gradAccum, last.get("loss"), last.get("rewards/accuracies"), last.get("rewards/margins"), r.peakPhysicalBytes() / 1e6);
        o.printf("model in %s/model; metrics in %s/metrics.jsonl and metrics.csv; curves in %s/loss.png, rewards.png%s%n", out, out, out,
                reference == null ? "" : ", kl.png");
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>(last);
            j.put("peak_physical_bytes", r.peakPhysicalBytes());
            Common.printJson(o, j);
        }
    }
}
