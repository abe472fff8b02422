package anchor.ppo;

import anchor.AnchorException;

/**
 * EXERCISE 6.3 — the adaptive KL coefficient (Ziegler et al. 2019, §2.2; chapters/06-ppo.md, step 6).
 * Tests: {@code KlControllerExerciseTest}.
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

    /**
     * Contract: a fixed controller never changes β; an adaptive one, after an update of {@code n} sequences whose
     * mean summed KL was {@code kl}: β ← β · (1 + clip(kl/target − 1, −0.2, 0.2) · n / horizon).
     */
    public void update(double kl, int n) {
        throw new UnsupportedOperationException("Exercise 6.3: implement KlController.update");
    }

    public void restore(double beta) {
        this.beta = beta;
    }
}
