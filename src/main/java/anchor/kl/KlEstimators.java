package anchor.kl;

/**
 * Beyond document 1: three Monte-Carlo estimators of KL(π‖π_ref) from a token x sampled from π, with
 * l = log π(x) − log π_ref(x) (Schulman, "Approximating KL Divergence", 2020), and the exact value.
 * <pre>
 * k1 = l                      unbiased, often negative per token
 * k2 = l² / 2                 biased, always ≥ 0, low variance
 * k3 = (e^{−l} − 1) + l       unbiased and always ≥ 0 (since e^u ≥ 1 + u)
 * exact = Σ_v π(v) (log π(v) − log π_ref(v))   over the whole vocabulary; never negative
 * </pre>
 */
public final class KlEstimators {
    private KlEstimators() {
    }

    public enum Estimator {
        K1, K2, K3;

        public double of(double logRatio) {
            return switch (this) {
                case K1 -> logRatio;
                case K2 -> 0.5 * logRatio * logRatio;
                case K3 -> k3(logRatio);
            };
        }
    }

    /** k3 = (e^{−l} − 1) + l for l = log π(x) − log π_ref(x): unbiased for KL(π‖π_ref) and never negative (e^u ≥ 1 + u). */
    public static double k3(double logRatio) {
        return Math.expm1(-logRatio) + logRatio;
    }

    /** Exact KL(p‖r) between two next-token distributions given by their logits. */
    public static double exact(double[] policyLogits, double[] referenceLogits) {
        double[] lp = logSoftmax(policyLogits), lr = logSoftmax(referenceLogits);
        double kl = 0;
        for (int v = 0; v < lp.length; v++) kl += Math.exp(lp[v]) * (lp[v] - lr[v]);
        return Math.max(kl, 0); // rounding can give −1e−17 for identical rows; KL is never negative
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
