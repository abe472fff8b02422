package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.safetensors.DType;
import anchor.train.AdamW;
import anchor.train.LmTrainer;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
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
        @Option(names = "--no-progress")
        boolean noProgress;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Gpt2Model model = Gpt2Model.of(Gpt2Init.random(World.SFT_CONFIG, seed));
            AdamW opt = new AdamW(lr, 0.9, 0.95, 1e-8, 0.1);
            int start = LmTrainer.resume(model, opt, out);
            if (start > 0) spec.commandLine().getErr().println("anchor: resuming " + out + " at step " + start);
            LmTrainer.Settings s = new LmTrainer.Settings(steps, lr, lr / 10, Math.max(1, steps / 20), 0.1, 1.0, seed, 100);
            List<LmTrainer.Point> pts = LmTrainer.train(model, opt, step -> World.batch(seed, step, batch), s, out, start, !noProgress);
            if (export != null) HfCheckpoint.save(model.weights(), export, DType.F16);
            double last = pts.isEmpty() ? Double.NaN : pts.get(pts.size() - 1).loss();
            var o = spec.commandLine().getOut();
            o.printf("trained %d steps; final loss %.4f; curve in %s/loss.csv and loss.png%n", steps, last, out);
            if (common.json) Common.printJson(o, Map.of("steps", steps, "final_loss", last, "out", out.toString()));
        }
    }
}
