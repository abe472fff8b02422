package anchor.ppo;

import anchor.AnchorException;

/**
 * The KL coefficient β of the shaped reward. Fixed, or adaptive as Ziegler et al. (2019, §2.2) and TRL's
 * {@code AdaptiveKLController}: after each update with n sequences whose mean per-sequence KL (summed over tokens)
 * was KL,
 * <pre>β ← β · (1 + clip(KL/target − 1, −0.2, 0.2) · n / horizon)</pre>
 * so β grows while the policy drifts past the target and shrinks below it.
 */
public final class KlController {
    private final double target, horizon;
    private double beta;

    private KlController(double beta, double target, double horizon) {
        if (!(beta >= 0) || Double.isInfinite(beta)) throw new AnchorException("--kl-coef must be a finite number >= 0, got " + beta);
        this.beta = beta;
        this.target = target;
        this.horizon = horizon;
    }

    public static KlController fixed(double beta) {
        return new KlController(beta, Double.NaN, Double.NaN);
    }

    public static KlController adaptive(double initialBeta, double target, double horizon) {
        if (!(target > 0) || Double.isInfinite(target)) throw new AnchorException("--target-kl must be a finite number > 0, got " + target);
        if (!(horizon > 0) || Double.isInfinite(horizon)) throw new AnchorException("--horizon must be a finite number > 0, got " + horizon);
        return new KlController(initialBeta, target, horizon);
    }

    public double beta() {
        return beta;
    }

    public boolean isAdaptive() {
        return !Double.isNaN(target);
    }

    /** After an update of {@code n} sequences whose mean summed KL was {@code kl}. */
    public void update(double kl, int n) {
        if (!isAdaptive()) return;
        double error = Math.max(-0.2, Math.min(0.2, kl / target - 1));
        beta *= 1 + error * n / horizon;
    }

    /** Continues a resumed run with the coefficient it had. */
    public void restore(double beta) {
        this.beta = beta;
    }
}
