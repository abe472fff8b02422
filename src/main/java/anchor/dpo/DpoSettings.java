package anchor.dpo;

import anchor.AnchorException;

/**
 * A DPO run's settings, with TRL's {@code DPOConfig} defaults where it has them. One optimizer step sees
 * {@code batch × gradAccum} pairs: {@code gradAccum} micro-batches of {@code batch} pairs, their gradients averaged,
 * exactly as one batch of {@code batch × gradAccum} would give. Start from {@link #DEFAULTS} and change what differs:
 * {@code DpoSettings.DEFAULTS.withBeta(0.5).withSteps(60)}.
 *
 * @param beta           β of the loss (TRL: 0.1)
 * @param loss           which loss ({@link DpoLoss.Variant}; TRL's loss_type "sigmoid")
 * @param labelSmoothing ε of cDPO, in [0, 0.5)
 * @param batch          pairs per micro-batch
 * @param gradAccum      micro-batches per optimizer step
 * @param steps          optimizer steps
 * @param maxLength      longest prompt + response in tokens; longer pairs are refused
 * @param maxGradNorm    global-norm clipping (0: off; TRL's max_grad_norm 1.0)
 * @param seed           seed of the batch order
 * @param eos            whether each response ends with {@code <|endoftext|>} (as TRL tokenizes)
 */
public record DpoSettings(double beta, DpoLoss.Variant loss, double labelSmoothing, int batch, int gradAccum, int steps,
                          int maxLength, double maxGradNorm, long seed, boolean eos) {

    public static final DpoSettings DEFAULTS = new DpoSettings(0.1, DpoLoss.Variant.SIGMOID, 0, 8, 1, 100, 64, 1.0, 0, true);

    public DpoSettings {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new AnchorException("--beta must be a finite number > 0, got " + beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) throw new AnchorException("--label-smoothing must be in [0, 0.5), got " + labelSmoothing);
        if (batch < 1) throw new AnchorException("--batch must be >= 1");
        if (gradAccum < 1) throw new AnchorException("--grad-accum must be >= 1");
        if (steps < 1) throw new AnchorException("--steps must be >= 1");
        if (maxLength < 2) throw new AnchorException("--max-length must be >= 2");
        if (!(maxGradNorm >= 0)) throw new AnchorException("--max-grad-norm must be >= 0 (0 turns clipping off), got " + maxGradNorm);
    }

    /** Optimizer steps for {@code epochs} passes over {@code pairs} pairs (the last step may wrap into the next epoch). */
    public static int stepsForEpochs(double epochs, int pairs, int batch, int gradAccum) {
        if (!(epochs > 0) || Double.isInfinite(epochs)) throw new AnchorException("--epochs must be a finite number > 0, got " + epochs);
        return (int) Math.max(1, Math.ceil(epochs * pairs / ((double) batch * gradAccum)));
    }

    public DpoSettings withBeta(double v) {
        return new DpoSettings(v, loss, labelSmoothing, batch, gradAccum, steps, maxLength, maxGradNorm, seed, eos);
    }

    public DpoSettings withLoss(DpoLoss.Variant v) {
        return new DpoSettings(beta, v, labelSmoothing, batch, gradAccum, steps, maxLength, maxGradNorm, seed, eos);
    }

    public DpoSettings withLabelSmoothing(double v) {
        return new DpoSettings(beta, loss, v, batch, gradAccum, steps, maxLength, maxGradNorm, seed, eos);
    }

    public DpoSettings withBatch(int v) {
        return new DpoSettings(beta, loss, labelSmoothing, v, gradAccum, steps, maxLength, maxGradNorm, seed, eos);
    }

    public DpoSettings withGradAccum(int v) {
        return new DpoSettings(beta, loss, labelSmoothing, batch, v, steps, maxLength, maxGradNorm, seed, eos);
    }

    public DpoSettings withSteps(int v) {
        return new DpoSettings(beta, loss, labelSmoothing, batch, gradAccum, v, maxLength, maxGradNorm, seed, eos);
    }

    public DpoSettings withMaxLength(int v) {
        return new DpoSettings(beta, loss, labelSmoothing, batch, gradAccum, steps, v, maxGradNorm, seed, eos);
    }

    public DpoSettings withMaxGradNorm(double v) {
        return new DpoSettings(beta, loss, labelSmoothing, batch, gradAccum, steps, maxLength, v, seed, eos);
    }

    public DpoSettings withSeed(long v) {
        return new DpoSettings(beta, loss, labelSmoothing, batch, gradAccum, steps, maxLength, maxGradNorm, v, eos);
    }

    public DpoSettings withEos(boolean v) {
        return new DpoSettings(beta, loss, labelSmoothing, batch, gradAccum, steps, maxLength, maxGradNorm, seed, v);
    }
}
