package anchor.reward;

import anchor.Seeds;
import anchor.AnchorException;
import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.Loss;
import anchor.train.AdamW;
import anchor.train.TrainingCheckpoint;
import anchor.train.Diverged;
import anchor.train.MetricsLog;
import anchor.train.Optimizer;
import anchor.train.RunLoop;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reward-model training as TRL's {@code RewardTrainer}: each step takes B pairs (prompt + chosen + EOS, prompt +
 * rejected + EOS, as 2B right-padded rows), scores them at their last token, and follows the mean
 * {@link BradleyTerry} loss with AdamW, its learning rate decaying linearly to 0 (the Trainer's default schedule),
 * dropout off. The gradient is exact: ∂L/∂score at each row's last token is fed as the graph's score weights.
 * Metrics under TRL's names: {@code loss}, {@code accuracy}, {@code margin}, {@code min_reward}, {@code mean_reward},
 * {@code max_reward}, plus {@code grad_norm} and {@code learning_rate}.
 */
public final class RewardTrainer implements RunLoop.Trainer {

    /**
     * @param batch             pairs per step
     * @param steps             optimizer steps
     * @param lr                AdamW's initial learning rate (decays linearly to 0 at {@code steps})
     * @param centerCoefficient TRL's {@code center_rewards_coefficient} (0: off)
     * @param maxGradNorm       global-norm clipping (0: off; TRL's max_grad_norm 1.0)
     * @param seed              seed of the batch order
     */
    public record Settings(int batch, int steps, double lr, double centerCoefficient, double maxGradNorm, long seed) {
        public static final Settings DEFAULTS = new Settings(16, 200, 1e-4, 0, 1.0, 0);

        public Settings {
            if (batch < 1) throw new AnchorException("--batch must be >= 1, got " + batch);
            if (steps < 1) throw new AnchorException("--steps must be >= 1, got " + steps);
            if (!(lr > 0) || Double.isInfinite(lr)) throw new AnchorException("--lr must be a finite number > 0, got " + lr);
            if (!(centerCoefficient >= 0)) throw new AnchorException("--center-rewards-coefficient must be >= 0, got " + centerCoefficient);
            if (!(maxGradNorm >= 0)) throw new AnchorException("--max-grad-norm must be >= 0, got " + maxGradNorm);
        }

        public Settings withBatch(int v) {
            return new Settings(v, steps, lr, centerCoefficient, maxGradNorm, seed);
        }

        public Settings withSteps(int v) {
            return new Settings(batch, v, lr, centerCoefficient, maxGradNorm, seed);
        }

        public Settings withLr(double v) {
            return new Settings(batch, steps, v, centerCoefficient, maxGradNorm, seed);
        }

        public Settings withCenterCoefficient(double v) {
            return new Settings(batch, steps, lr, v, maxGradNorm, seed);
        }

        public Settings withSeed(long v) {
            return new Settings(batch, steps, lr, centerCoefficient, maxGradNorm, v);
        }
    }

    public static final MetricsLog.Layout METRICS = new MetricsLog.Layout(
            List.of("step", "loss", "accuracy", "margin", "min_reward", "mean_reward", "max_reward", "grad_norm", "learning_rate"),
            List.of(new MetricsLog.Curve("loss.png", "Reward-model loss", "loss", "loss"),
                    new MetricsLog.Curve("accuracy.png", "Pairs ranked right (training batches)", "fraction", "accuracy")));

    /**
     * How a finished run normalises its reward model before writing it (Ziegler et al.: zero mean, unit spread on
     * one sample per prompt of {@code trunk}, up to {@code responseTokens} tokens), and where it says so.
     */
    public record Normalizing(Gpt2Weights trunk, List<int[]> prompts, int responseTokens, PrintWriter log) {
    }

    private final Gpt2Model model;
    private final List<PreferenceBatch> pairs;
    private final Settings s;
    private final AdamW opt;
    private final Normalizing normalizing;
    private RewardModel.Normalization normalization;

    /** Training only: the finished run writes nothing beside its checkpoint (the tests, in memory). */
    public RewardTrainer(Gpt2Model model, List<PreferenceBatch> pairs, Settings s) {
        this(model, pairs, s, null);
    }

    /** @param normalizing how the finished run normalises the model before writing it to {@code out/model} (null: it writes nothing) */
    public RewardTrainer(Gpt2Model model, List<PreferenceBatch> pairs, Settings s, Normalizing normalizing) {
        if (!model.hasScoreHead()) throw new AnchorException("a reward model needs a scalar head (score.weight)");
        this.model = model;
        this.pairs = pairs;
        this.s = s;
        this.opt = AdamW.standard(s.lr());
        this.normalizing = normalizing;
    }

    @Override
    public Map<String, Object> step(int step) {
        int B = s.batch();
        int[] idx = Seeds.batchIndices(pairs.size(), B, step, s.seed());
        PairBatches.Rows rows = PairBatches.rows(pairs, idx, model.config().nPositions());
        double[] r = RewardModel.lastTokenScores(model, rows.batch());               // (2B): chosen rows, then rejected
        double[][] weights = new double[2 * B][rows.batch().length()];               // ∂L/∂score, at each last token
        double loss = 0, acc = 0, margin = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, mean = 0;
        for (int i = 0; i < B; i++) {
            BradleyTerry.Result res = BradleyTerry.of(r[i], r[B + i], 0, s.centerCoefficient());
            loss += res.loss() / B;
            acc += (r[i] > r[B + i] ? 1.0 : 0.0) / B;
            margin += (r[i] - r[B + i]) / B;
            weights[i][RewardModel.lastReal(rows.batch(), i)] = res.gradChosen() / B;
            weights[B + i][RewardModel.lastReal(rows.batch(), B + i)] = res.gradRejected() / B;
        }
        for (double v : r) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            mean += v / r.length;
        }
        if (!Double.isFinite(loss)) throw new Diverged("reward-model loss became " + loss + " at step " + step);
        var g = model.gradients(rows.batch(), Loss.scores(weights)).byParameter();
        double lr = s.lr() * (1 - (double) step / s.steps());
        opt.setLearningRate(lr);
        double norm = Optimizer.clippedUpdate(s.maxGradNorm(), new Optimizer.Part(opt, model.parameters(), g));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("loss", loss);
        row.put("accuracy", acc);
        row.put("margin", margin);
        row.put("min_reward", min);
        row.put("mean_reward", mean);
        row.put("max_reward", max);
        row.put("grad_norm", norm);
        row.put("learning_rate", lr);
        return row;
    }

    /** Normalises the trained model on the trunk's samples and writes it, with its normalisation, to {@code out/model}. */
    @Override
    public void writeFinal(Path out) {
        if (normalizing == null) return;
        normalizing.log().printf("anchor: normalising the reward on %d samples of the trunk (one per prompt)%n", normalizing.prompts().size());
        normalization = RewardModel.fitOnSamples(model, Gpt2Model.frozen(normalizing.trunk()), normalizing.prompts(), normalizing.responseTokens(), s.seed());
        RewardModel.save(model.weights(), normalization, out.resolve("model"));
    }

    /** The normalisation the finished run wrote (null before {@link #writeFinal}). */
    public RewardModel.Normalization normalization() {
        return normalization;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        return TrainingCheckpoint.Parts.of(model, opt);
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return String.format("loss %.3f acc %.2f", row.get("loss"), row.get("accuracy"));
    }

    /** The fraction of pairs whose chosen response the model scores higher (ties count ½), in batches of {@code batch}. */
    public static double accuracy(Gpt2Model model, List<PreferenceBatch> pairs, int batch) {
        double right = 0;
        for (int from = 0; from < pairs.size(); from += batch) {
            int[] idx = new int[Math.min(batch, pairs.size() - from)];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            PairBatches.Rows rows = PairBatches.rows(pairs, idx, model.config().nPositions());
            double[] r = RewardModel.lastTokenScores(model, rows.batch());
            for (int i = 0; i < idx.length; i++) right += r[i] > r[idx.length + i] ? 1 : r[i] == r[idx.length + i] ? 0.5 : 0;
        }
        return right / pairs.size();
    }
}
