package anchor.ppo;

import anchor.AnchorException;
import anchor.kl.KlEstimators;

/**
 * A PPO run's settings, with TRL's {@code PPOConfig} defaults except the learning rate and the batch sizes, which
 * are sized for the world's small model on 2 cores. Start from {@link #DEFAULTS}; {@code withX} changes one.
 *
 * @param steps             PPO updates (each: one batch of rollouts, then {@code ppoEpochs} passes over it)
 * @param batch             rollouts per update (prompts, one response each)
 * @param miniBatches       minibatches per PPO epoch (TRL's num_mini_batches)
 * @param ppoEpochs         passes over each batch (TRL: 4)
 * @param lr                AdamW's learning rate for policy and value, decaying linearly to 0 (TRL's scheduler)
 * @param temperature       sampling temperature; every log-prob comes from logits / T (TRL: 0.7)
 * @param responseLength    most new tokens per response (stops at {@code <|endoftext|>})
 * @param missingEosPenalty subtracted from the score of a response without {@code <|endoftext|>} (NaN: none)
 * @param whitenRewards     whiten the shaped rewards over the batch (TRL: false)
 * @param gamma             discount (TRL: 1)
 * @param lam               GAE's λ (TRL: 0.95)
 * @param cliprange         ε of the clipped surrogate (TRL: 0.2)
 * @param cliprangeValue    ε of the clipped value loss (TRL: 0.2)
 * @param vfCoef            weight of the value loss (TRL: 0.1)
 * @param maxGradNorm       global-norm clipping over policy and value together (0: off) — Anchor's own: TRL's
 *                          PPOTrainer.train from v0.12 (trl/trainer/ppo_trainer.py; trl/experimental/ppo/ at v0.29.1)
 *                          never clips, and legacy TRL ≤ v0.11 clips only with PPOConfig.max_grad_norm set (default None)
 * @param klEvery           run the reference every N updates and hold the last mean per-token KL in between
 *                          (document 1, "The Memory Problem", option 3); 1: every update, as TRL
 * @param evalEvery         sample the evaluation prompts every N updates (before the update) and log eval/*; 0: never
 * @param seed              seed of the prompt order, the sampling and the minibatch shuffles
 */
public record PpoSettings(int steps, int batch, int miniBatches, int ppoEpochs, double lr, double temperature, int responseLength,
                          double missingEosPenalty, boolean whitenRewards, double gamma, double lam, double cliprange,
                          double cliprangeValue, double vfCoef, double maxGradNorm, int klEvery, int evalEvery, long seed) {

    public static final PpoSettings DEFAULTS = new PpoSettings(50, 16, 1, 4, 1e-5, 0.7, 40, Double.NaN, false, 1.0, 0.95, 0.2, 0.2, 0.1, 1.0, 1, 0, 0);

    public PpoSettings {
        if (steps < 1) throw new AnchorException("--steps must be >= 1, got " + steps);
        if (batch < 2) throw new AnchorException("--batch must be >= 2 (advantages are whitened over the batch), got " + batch);
        if (miniBatches < 1 || batch % miniBatches != 0) throw new AnchorException("--mini-batches must divide --batch (" + batch + "), got " + miniBatches);
        if (ppoEpochs < 1) throw new AnchorException("--ppo-epochs must be >= 1, got " + ppoEpochs);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new AnchorException("--lr must be a finite number > 0, got " + lr);
        if (responseLength < 1) throw new AnchorException("--response-length must be >= 1, got " + responseLength);
        RolloutScores.Settings.check(gamma, lam, temperature, missingEosPenalty);     // steps 2–4's own, the one copy
        if (!(cliprange > 0) || !(cliprangeValue > 0)) throw new AnchorException("--cliprange and --cliprange-value must be > 0");
        if (!(vfCoef >= 0) || !(maxGradNorm >= 0)) throw new AnchorException("--vf-coef and --max-grad-norm must be >= 0");
        if (klEvery < 1) throw new AnchorException("--kl-every must be >= 1, got " + klEvery);
        if (evalEvery < 0) throw new AnchorException("--eval-every must be >= 0 (0: no evaluation), got " + evalEvery);
    }

    /** The settings of steps 2–4 for {@link RolloutScores}, with the controller's current β and this estimator. */
    RolloutScores.Settings explain(double beta, KlEstimators.Estimator estimator) {
        return new RolloutScores.Settings(beta, estimator, gamma, lam, temperature, missingEosPenalty);
    }

    public PpoSettings withSteps(int v) {
        return new PpoSettings(v, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withBatch(int v) {
        return new PpoSettings(steps, v, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withMiniBatches(int v) {
        return new PpoSettings(steps, batch, v, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withPpoEpochs(int v) {
        return new PpoSettings(steps, batch, miniBatches, v, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withLr(double v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, v, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withTemperature(double v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, v, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withResponseLength(int v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, v, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withMissingEosPenalty(double v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, v, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withWhitenRewards(boolean v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, v, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withGae(double gammaValue, double lamValue) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gammaValue, lamValue, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withClip(double policyClip, double valueClip) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, policyClip, valueClip, vfCoef, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withVfCoef(double v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, v, maxGradNorm, klEvery, evalEvery, seed);
    }

    public PpoSettings withKlEvery(int v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, v, evalEvery, seed);
    }

    public PpoSettings withEvalEvery(int v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, v, seed);
    }

    public PpoSettings withSeed(long v) {
        return new PpoSettings(steps, batch, miniBatches, ppoEpochs, lr, temperature, responseLength, missingEosPenalty, whitenRewards, gamma, lam, cliprange, cliprangeValue, vfCoef, maxGradNorm, klEvery, evalEvery, v);
    }
}
