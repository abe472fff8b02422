package anchor.kl;

/**
 * EXERCISE 2.4 — the k3 estimator of KL(π‖π_ref) (Schulman 2020). k1 and k2 are given.
 * Reading: chapters/02-reference-model.md. Tests: {@code KlEstimatorsExerciseTest}.
 */
public final class KlEstimators {
    private KlEstimators() {
    }

    public enum Estimator {
        K1, K2, K3;

        /** With l = log π(x) − log π_ref(x) for x sampled from π: K1 → l; K2 → l²/2; K3 → {@link #k3} (yours). */
        public double of(double logRatio) {
            return switch (this) {
                case K1 -> logRatio;
                case K2 -> 0.5 * logRatio * logRatio;
                case K3 -> k3(logRatio);
            };
        }
    }

    /**
     * Contract: k3 = (e^{−l} − 1) + l for l = log π(x) − log π_ref(x), computed accurately for small l (see
     * {@code Math.expm1}); never negative. Estimator.K3 and GRPO's penalty (GroupMath.k3) call it.
     */
    public static double k3(double logRatio) {
        throw new UnsupportedOperationException("Exercise 2.4: implement KlEstimators.k3");
    }

    /** Exact KL(p‖r) between two next-token distributions given by their logits (given). */
    public static double exact(double[] policyLogits, double[] referenceLogits) {
        double[] lp = logSoftmax(policyLogits), lr = logSoftmax(referenceLogits);
        double kl = 0;
        for (int v = 0; v < lp.length; v++) kl += Math.exp(lp[v]) * (lp[v] - lr[v]);
        return Math.max(kl, 0);
    }

    public static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : z) max = Math.max(max, v);
        for (double v : z) sum += Math.exp(v - max);
        double lse = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) out[i] = z[i] - lse;
        return out;
    }
}
