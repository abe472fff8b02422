package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoTrainer;
import anchor.dpo.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.reference.WeightDivergence;
import anchor.safetensors.DType;
import anchor.train.AdamW;
import anchor.train.Optimizer;
import anchor.train.Sgd;
import anchor.world.PreferenceData;
import anchor.world.World;
import com.fasterxml.jackson.databind.ObjectMapper;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "dpo", description = "Train a policy with DPO on TRL-format preference data (defaults: the world's SFT model and data).")
final class DpoCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--policy", paramLabel = "DIR")
    Path policyDir;
    @Option(names = "--reference", paramLabel = "DIR")
    Path referenceDir;
    @Option(names = "--data", paramLabel = "FILE.jsonl")
    Path data;
    @Option(names = "--beta", defaultValue = "0.1")
    double beta;
    @Option(names = "--loss", defaultValue = "sigmoid", description = "sigmoid, cdpo, ipo, hinge, reference-free")
    String loss;
    @Option(names = "--label-smoothing", defaultValue = "0.0")
    double labelSmoothing;
    @Option(names = "--lr", defaultValue = "1e-4")
    double lr;
    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw or sgd")
    String optimizer;
    @Option(names = "--batch", defaultValue = "8")
    int batch;
    @Option(names = "--steps", defaultValue = "100")
    int steps;
    @Option(names = "--max-length", defaultValue = "64")
    int maxLength;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "0 turns clipping off")
    double maxGradNorm;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--precompute-reference", description = "One reference pass over the data first; the reference is then dropped.")
    boolean precompute;
    @Option(names = "--no-eos")
    boolean noEos;
    @Option(names = "--out", defaultValue = "runs/dpo", paramLabel = "DIR")
    Path out;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        var err = spec.commandLine().getErr();
        DpoTrainer.Settings s = new DpoTrainer.Settings(beta, DpoLoss.Variant.parse(loss), labelSmoothing, batch, steps, maxLength,
                maxGradNorm, seed, precompute, !noEos);
        if (data == null) err.println("anchor: --data not given: using the world's preference data");
        List<PreferenceData.Pair> pairs = data == null ? World.trainPairs() : PreferenceData.read(data);
        Gpt2Weights init = HfCheckpoint.load(Common.modelDir(policyDir, "--policy", err));
        Gpt2Model policy = Gpt2Model.of(init);
        Gpt2Model reference = Gpt2Model.of(referenceDir == null ? init : HfCheckpoint.load(referenceDir)).frozenCopy();
        List<PreferenceBatch> tokenized = DpoTrainer.tokenize(pairs, s);
        double[][] pre = null;
        if (precompute) {
            pre = DpoTrainer.referenceLogps(reference, tokenized, batch);
            reference = null; // not resident during training
        }
        Optimizer opt = switch (optimizer) {
            case "adamw" -> AdamW.standard(lr);
            case "sgd" -> new Sgd(lr);
            default -> throw new AnchorException("unknown optimizer '" + optimizer + "' (adamw or sgd)");
        };
        ObjectMapper json = new ObjectMapper();
        StringBuilder metrics = new StringBuilder();
        DpoTrainer.Metrics last = null;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("dpo").setInitialMax(steps).setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
            Files.createDirectories(out);
            for (int step = 0; step < steps; step++) {
                int[] idx = DpoTrainer.indices(tokenized.size(), batch, step, seed);
                last = DpoTrainer.step(policy, reference, pre, tokenized, idx, s, opt, step);
                Map<String, Object> row = new LinkedHashMap<>(last.toTrl());
                if ((step + 1) % 10 == 0 || step + 1 == steps) row.put("weight_divergence", WeightDivergence.between(policy.weights(), init).relative());
                metrics.append(json.writeValueAsString(row)).append('\n');
                Files.writeString(out.resolve("metrics.jsonl"), metrics);
                bar.step();
                bar.setExtraMessage(String.format("loss %.3f acc %.2f", last.loss(), last.rewardsAccuracies()));
            }
        } catch (IOException e) {
            throw new AnchorException("cannot write to " + out + ": " + e.getMessage(), e);
        }
        HfCheckpoint.save(policy.weights(), out.resolve("model"), DType.F32);
        var o = spec.commandLine().getOut();
        o.printf("trained %d steps; last loss %.4f, reward accuracy %.2f, margin %.4f; model in %s/model, metrics in %s/metrics.jsonl%n",
                steps, last.loss(), last.rewardsAccuracies(), last.rewardsMargins(), out, out);
        if (common.json) Common.printJson(o, last.toTrl());
    }
}
