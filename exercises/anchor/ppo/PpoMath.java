package anchor.ppo;

import anchor.AnchorException;

/**
 * EXERCISES 6.1 and 6.2 — the per-token arithmetic of a PPO update (chapters/06-ppo.md, "One PPO update"; document 1,
 * "Enter the Reference Model"). Tests: {@code PpoMathExerciseTest}.
 */
public final class PpoMath {
    private PpoMath() {
    }

    /**
     * Exercise 6.1. Contract: r_t = −β·kl_t for every token, written {@code 0.0 - β·kl_t} (no −0.0), and
     * {@code score} added at token {@code scoreAt}; {@code scoreAt} outside the response → {@link AnchorException}.
     */
    public static double[] shapedRewards(double[] kl, double beta, double score, int scoreAt) {
        throw new UnsupportedOperationException("Exercise 6.1: implement PpoMath.shapedRewards");
    }

    /**
     * Exercise 6.1. Contract: GAE computed backwards, δ_t = r_t + γ·V_{t+1} − V_t with V_n = 0, A_t = δ_t + γλ·A_{t+1}
     * with A_n = 0; different lengths → {@link AnchorException}.
     */
    public static double[] gae(double[] rewards, double[] values, double gamma, double lambda) {
        throw new UnsupportedOperationException("Exercise 6.1: implement PpoMath.gae");
    }

    /** Exercise 6.1. Contract: R_t = A_t + V_t. */
    public static double[] returns(double[] advantages, double[] values) {
        throw new UnsupportedOperationException("Exercise 6.1: implement PpoMath.returns");
    }

    /** Given: TRL's masked whitening (unbiased variance, ε = 1e-8; {@code shiftMean} false adds the mean back; masked entries 0). */
    public static double[][] whiten(double[][] x, int[][] mask, boolean shiftMean) {
        double sum = 0, n = 0;
        for (int b = 0; b < x.length; b++) for (int t = 0; t < x[b].length; t++) if (mask[b][t] == 1) {
            sum += x[b][t];
            n++;
        }
        if (n < 2) throw new AnchorException("whitening needs at least 2 valid tokens, got " + (int) n);
        double mean = sum / n, sq = 0;
        for (int b = 0; b < x.length; b++) for (int t = 0; t < x[b].length; t++) if (mask[b][t] == 1) sq += (x[b][t] - mean) * (x[b][t] - mean);
        double scale = 1 / Math.sqrt(sq / (n - 1) + 1e-8);
        double[][] out = new double[x.length][];
        for (int b = 0; b < x.length; b++) {
            out[b] = new double[x[b].length];
            for (int t = 0; t < x[b].length; t++) if (mask[b][t] == 1) out[b][t] = (x[b][t] - mean) * scale + (shiftMean ? 0 : mean);
        }
        return out;
    }

    public record PolicyLoss(double loss, double gradLogProb, boolean clipped) {
    }

    /**
     * Exercise 6.2. Contract: ρ = exp(logProb − oldLogProb); loss = max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε)); {@code clipped}
     * is true when the clipped term is strictly larger (then the loss is flat in log π: gradLogProb = 0), else
     * gradLogProb = ∂(−A·ρ)/∂log π = −A·ρ.
     */
    public static PolicyLoss policyLoss(double logProb, double oldLogProb, double advantage, double clip) {
        throw new UnsupportedOperationException("Exercise 6.2: implement PpoMath.policyLoss");
    }

    public record ValueLoss(double loss, double gradValue, boolean clipped) {
    }

    /**
     * Exercise 6.2. Contract: V' = clip(V, V_old − ε, V_old + ε); loss = ½·max((V − R)², (V' − R)²); {@code clipped}
     * when the second term is strictly larger (then gradValue = 0, V' being a constant bound), else gradValue = V − R.
     */
    public static ValueLoss valueLoss(double value, double oldValue, double ret, double clip) {
        throw new UnsupportedOperationException("Exercise 6.2: implement PpoMath.valueLoss");
    }
}
