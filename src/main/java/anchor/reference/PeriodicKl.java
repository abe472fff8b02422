package anchor.reference;

import anchor.AnchorException;

import java.util.function.DoubleSupplier;

/**
 * Document 1, "The Memory Problem", option 3: compute the KL penalty only every N steps and reuse the last value
 * in between. {@link #at} returns the value the training loop would use at a step; the drift from the every-step
 * KL is what {@link DriftRun} measures.
 */
public final class PeriodicKl {
    private final int every;
    private double held = Double.NaN;

    public PeriodicKl(int every) {
        if (every < 1) throw new AnchorException("the KL period must be >= 1 step, got " + every);
        this.every = every;
    }

    /** The KL used at {@code step}: freshly computed on multiples of N, else the held value (no forward pass). */
    public double at(int step, DoubleSupplier computeKl) {
        if (due(step)) held = computeKl.getAsDouble();
        return held;
    }

    /** Whether the KL must be computed at {@code step}: a multiple of N, or nothing held yet. */
    public boolean due(int step) {
        return step % every == 0 || Double.isNaN(held);
    }

    /** Holds a freshly computed value (for callers that compute more than the one number, e.g. per-token KL). */
    public void hold(double value) {
        this.held = value;
    }

    /** The value held since the last computation (NaN before the first): a run's state, saved with its checkpoint. */
    public double held() {
        return held;
    }

    /** Continues a resumed run with the value it held. */
    public void restore(double held) {
        this.held = held;
    }

    public int every() {
        return every;
    }
}
