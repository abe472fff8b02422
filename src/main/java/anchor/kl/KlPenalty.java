package anchor.kl;

import anchor.AnchorException;

/**
 * Document 1, "Computing KL Divergence: The Actual Math": the per-token KL penalty computed from gathered
 * log-probs of the tokens that actually appear, and the objective it enters.
 * <pre>
 * kl[t]       = log π(y_t | y_&lt;t) − log π_ref(y_t | y_&lt;t)           (the k1 estimator, per token)
 * objective   = reward − β · Σ_t kl[t]                                   (document 1, "Enter the Reference Model")
 * (the per-token rewards PPO optimises, −β·kl[t] plus the score on the last token, are PpoMath.shapedRewards)
 * </pre>
 */
public final class KlPenalty {
    private KlPenalty() {
    }

    /** k1 per token: policy log-prob minus reference log-prob. Inputs must be finite and of equal length. */
    public static double[] perToken(double[] policyLogps, double[] referenceLogps) {
        if (policyLogps.length != referenceLogps.length) {
            throw new AnchorException("policy has " + policyLogps.length + " log-probs but the reference has " + referenceLogps.length);
        }
        double[] kl = new double[policyLogps.length];
        for (int t = 0; t < kl.length; t++) {
            if (!Double.isFinite(policyLogps[t]) || !Double.isFinite(referenceLogps[t])) {
                throw new AnchorException("log-prob at position " + t + " is not finite (policy " + policyLogps[t] + ", reference " + referenceLogps[t] + ")");
            }
            kl[t] = policyLogps[t] - referenceLogps[t];
        }
        return kl;
    }

    /** Mean over positions where {@code mask} is 1 (all positions when mask is null). */
    public static double mean(double[] perToken, int[] mask) {
        double s = 0;
        int n = 0;
        for (int t = 0; t < perToken.length; t++) {
            if (mask == null || mask[t] == 1) {
                s += perToken[t];
                n++;
            }
        }
        if (n == 0) throw new AnchorException("empty response: no token to average the KL over");
        return s / n;
    }

    /** reward − β·KL, with KL the summed per-token penalty of the response. */
    public static double objective(double reward, double beta, double sequenceKl) {
        checkBeta(beta);
        return reward - beta * sequenceKl;
    }

    static void checkBeta(double beta) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new AnchorException("beta must be a finite number > 0, got " + beta);
    }
}
