package anchor.train;

import anchor.Seeds;
import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gradients;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Next-token (language-model) training as a {@link RunLoop} trainer: AdamW with warmup + cosine schedule, global
 * gradient clipping, batches and dropout drawn from (seed, step) — so a run resumed from a checkpoint continues
 * exactly as if it had never stopped. Metrics per step: {@code loss} (mean NLL, nats/token), {@code lr},
 * {@code grad_norm} (before clipping).
 */
public final class LmTrainer implements RunLoop.Trainer {

    /** Where batches come from: a pure function of the step, so resume is exact. */
    @FunctionalInterface
    public interface Batches {
        TokenBatch at(int step);
    }

    /**
     * @param minLr           the cosine's floor
     * @param warmup          linear warmup steps
     * @param weightDecay     AdamW's decoupled decay (matrices only)
     * @param maxGradNorm     global-norm clipping (0: off)
     * @param checkpointEvery steps between checkpoints
     */
    public record Settings(int steps, double lr, double minLr, int warmup, double weightDecay, double maxGradNorm,
                           long seed, int checkpointEvery) {
        public Settings {
            if (steps < 1) throw new AnchorException("--steps must be >= 1");
            if (!(lr > 0) || Double.isInfinite(lr)) throw new AnchorException("--lr must be a finite number > 0, got " + lr);
        }

        /**
         * The pretraining recipe of nanoGPT, used for the world's SFT model and every model trained like it: cosine from
         * {@code lr} to lr/10 after a warmup of 5 % of the steps, weight decay 0.1, clipping at 1.0.
         */
        public static Settings pretraining(int steps, double lr, long seed, int checkpointEvery) {
            return new Settings(steps, lr, lr / 10, Math.max(1, steps / 20), 0.1, 1.0, seed, checkpointEvery);
        }

        /** The recipe's optimizer: AdamW with β = (0.9, 0.95), ε = 1e-8 and this decay. */
        public AdamW optimizer() {
            return new AdamW(lr, 0.9, 0.95, 1e-8, weightDecay);
        }
    }

    static final MetricsLog.Layout METRICS = new MetricsLog.Layout(List.of("step", "loss", "lr", "grad_norm"),
            List.of(new MetricsLog.Curve("loss.png", "Training loss", "mean NLL (nats/token)", "loss")));

    private final Gpt2Model model;
    private final AdamW opt;
    private final Batches data;
    private final Settings s;
    private final Schedule schedule;
    private final boolean dropout;

    LmTrainer(Gpt2Model model, AdamW opt, Batches data, Settings s) {
        this.model = model;
        this.opt = opt;
        this.data = data;
        this.s = s;
        this.schedule = new Schedule(s.lr(), s.minLr(), s.warmup(), s.steps());
        var c = model.config();
        this.dropout = c.embdPdrop() > 0 || c.attnPdrop() > 0 || c.residPdrop() > 0;
    }

    /**
     * Trains {@code model} in place to {@code s.steps()} in the run directory {@code out} (resuming a checkpoint there
     * written with the same settings); returns every step's metrics.
     */
    public static RunLoop.Result train(Gpt2Model model, AdamW opt, Batches data, Settings s, Path out, boolean progress) {
        ObjectNode identity = new ObjectMapper().valueToTree(s);
        identity.remove("checkpointEvery"); // how often to save does not change the run
        return RunLoop.run(new LmTrainer(model, opt, data, s),
                new RunLoop.Options("train", s.steps(), out, s.checkpointEvery(), progress, identity, METRICS));
    }

    @Override
    public Map<String, Object> step(int step) {
        TokenBatch batch = data.at(step);
        Random dropoutRng = dropout ? new Random(Seeds.perStep(s.seed(), step)) : null;
        Gradients g = model.gradients(batch, Loss.tokens(meanNllWeights(batch)).withDropout(dropoutRng));
        if (!Double.isFinite(g.loss())) throw new Diverged("loss became " + g.loss() + " at step " + step);
        double lr = schedule.lr(step);
        opt.setLearningRate(lr);
        double norm = Optimizer.clippedUpdate(s.maxGradNorm(), new Optimizer.Part(opt, model.parameters(), g.byParameter()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("loss", g.loss());
        row.put("lr", lr);
        row.put("grad_norm", norm);
        return row;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        return TrainingCheckpoint.Parts.of(model, opt);
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return row.get("loss") instanceof Double l ? String.format("loss %.3f", l) : "";
    }

    /** ∂(mean NLL)/∂logp: −1/N on every real target. */
    public static double[][] meanNllWeights(TokenBatch batch) {
        int[][] mask = batch.targetMask();
        int n = 0;
        for (int[] row : mask) for (int m : row) n += m;
        double[][] w = new double[mask.length][mask[0].length];
        for (int b = 0; b < mask.length; b++) for (int t = 0; t < mask[b].length; t++) w[b][t] = -mask[b][t] / (double) n;
        return w;
    }
}
