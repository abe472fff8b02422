package anchor.cli;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.TokenBatch;
import anchor.reference.DriftRun;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;

@Command(name = "drift", description = "Train a policy away from its frozen reference and log KL (every step and periodic) and weight divergence.")
final class DriftCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Option(names = "--steps", defaultValue = "30")
    int steps;
    @Option(names = "--lr", defaultValue = "1e-3")
    double lr;
    @Option(names = "--kl-every", defaultValue = "5", description = "Period N of the periodic KL (document 1, option 3).")
    int klEvery;
    @Option(names = "--out", paramLabel = "DIR", description = "Run directory for metrics and a checkpoint (resumed if it holds this run); none by default.")
    java.nio.file.Path out;
    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final String TRAIN = "The reference model is a frozen copy of the policy. It never changes while the policy learns, "
            + "and the KL penalty measures how far the policy has moved away from it.";
    static final String HELD_OUT = "Hello, how are you doing today? I hope the weather is nice where you are.";

    @Override
    public void run() {
        var settings = new DriftRun.Settings(steps, lr, klEvery); // checked before the model is loaded
        Gpt2Weights w = modelOptions.load(spec.commandLine().getErr());
        Gpt2Tokenizer tok = modelOptions.tokenizer();
        TokenBatch train = TokenBatch.of(tok.encode(TRAIN)), held = TokenBatch.of(tok.encode(HELD_OUT));
        DriftRun.LanguageModelData data = DriftRun.LanguageModelData.fixed(train, held);
        List<DriftRun.Row> rows = DriftRun.run(Gpt2Model.of(w), w, data, settings, out, !noProgress);
        var out = spec.commandLine().getOut();
        out.printf("%5s %10s %14s %14s %12s %10s%n", "step", "loss", "KL every step", "KL every " + klEvery, "abs. div.", "rel. div.");
        for (DriftRun.Row r : rows) {
            String loss = Double.isNaN(r.loss()) ? "—" : String.format("%.4f", r.loss());                 // after the last step: no step, no loss
            out.printf("%5d %10s %14.6f %14.6f %12.4f %10.6f%n", r.step(), loss, r.klEveryStep(), r.klPeriodic(), r.absoluteDivergence(), r.relativeDivergence());
        }
        double maxGap = rows.stream().mapToDouble(r -> Math.abs(r.klPeriodic() - r.klEveryStep())).max().orElse(0);
        out.printf("max |periodic KL - every-step KL| = %.6f%n", maxGap);
        if (common.json) Common.printJson(out, Map.of("rows", rows, "max_periodic_gap", maxGap));
    }
}
