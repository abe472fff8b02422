package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.safetensors.DType;
import anchor.train.RunLoop;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "world", description = "The embedded world: pretrain its SFT model, make its preference data, evaluate a policy.",
        subcommands = {WorldCommand.Pretrain.class, WorldEvalCommand.class, WorldDataCommand.class})
final class WorldCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "pretrain", description = "Pretrain the world's SFT model from scratch (seeded; resumable).")
    static final class Pretrain implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--out", defaultValue = "runs/world-pretrain", paramLabel = "DIR")
        Path out;
        @Option(names = "--steps", defaultValue = "1200")
        int steps;
        @Option(names = "--batch", defaultValue = "8")
        int batch;
        @Option(names = "--lr", defaultValue = "3e-3")
        double lr;
        @Option(names = "--seed", defaultValue = "1234")
        long seed;
        @Option(names = "--export", paramLabel = "DIR", description = "Also write the final model in F16 here (the committed copy lives in src/main/resources/anchor/world/sft).")
        Path export;
        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Gpt2Model model = World.randomModel(seed);
            RunLoop.Result r = World.pretrain(model, steps, batch, lr, seed, out, !noProgress);
            if (r.startStep() > 0) spec.commandLine().getErr().println("anchor: resumed " + out + " at step " + r.startStep());
            if (export != null) HfCheckpoint.save(model.weights(), export, DType.F16);
            double last = r.rows().isEmpty() ? Double.NaN : ((Number) r.last().get("loss")).doubleValue();
            var o = spec.commandLine().getOut();
            o.printf("trained %d steps; final loss %.4f; metrics in %s/metrics.csv, curve in loss.png%n", steps, last, out);
            if (common.json) Common.printJson(o, Map.of("steps", steps, "final_loss", last, "out", out.toString()));
        }
    }
}
