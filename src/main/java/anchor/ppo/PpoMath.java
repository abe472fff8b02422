package anchor.ppo;

import anchor.AnchorException;

/**
 * The per-token arithmetic of a PPO update, as TRL's {@code PPOTrainer} does it, for one response of n tokens
 * (t = 0 … n−1). Small pure functions; the plumbing (models, batches) lives elsewhere.
 * <pre>
 * shaped rewards   r_t = −β·kl_t,  and r_last += score                         (Ziegler et al. 2019, eq. 2)
 * GAE              δ_t = r_t + γ·V_{t+1} − V_t   (V_n = 0)
 *                  A_t = δ_t + γλ·A_{t+1}        (A_n = 0)                    (Schulman et al. 2016, eq. 16)
 * returns          R_t = A_t + V_t
 * whitening        (x − mean) / √(var + 1e-8), var with Bessel's correction, over the valid tokens (TRL's masked_whiten)
 * policy loss      max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε)),  ρ = exp(log π − log π_old)  (Schulman et al. 2017, eq. 7)
 * value loss       ½·max((V − R)², (clip(V, V_old − ε_v, V_old + ε_v) − R)²)
 * </pre>
 */
public final class PpoMath {
    private PpoMath() {
    }

    /** r_t = −β·kl_t for every token, and the score added at token {@code scoreAt} (the last response token). */
    public static double[] shapedRewards(double[] kl, double beta, double score, int scoreAt) {
        if (scoreAt < 0 || scoreAt >= kl.length) throw new AnchorException("the score goes on token " + scoreAt + " of " + kl.length);
        double[] r = new double[kl.length];
        for (int t = 0; t < kl.length; t++) r[t] = 0.0 - beta * kl[t];   // 0 − x, not −x: no −0.0 in the output
        r[scoreAt] += score;
        return r;
    }

    /** Generalised advantage estimates A_t, computed backwards from the end (no value after the last token). */
    public static double[] gae(double[] rewards, double[] values, double gamma, double lambda) {
        if (rewards.length != values.length) throw new AnchorException(rewards.length + " rewards for " + values.length + " values");
        double[] a = new double[rewards.length];
        double last = 0;
        for (int t = rewards.length - 1; t >= 0; t--) {
            double next = t + 1 < values.length ? values[t + 1] : 0;
            double delta = rewards[t] + gamma * next - values[t];
            last = delta + gamma * lambda * last;
            a[t] = last;
        }
        return a;
    }

    /** R_t = A_t + V_t. */
    public static double[] returns(double[] advantages, double[] values) {
        double[] r = new double[advantages.length];
        for (int t = 0; t < r.length; t++) r[t] = advantages[t] + values[t];
        return r;
    }

    /**
     * Whitening over the entries where {@code mask} is 1 (TRL's {@code masked_whiten}): the unbiased variance, ε = 1e-8;
     * {@code shiftMean} false adds the mean back (TRL whitens rewards that way). Masked entries are returned as 0.
     */
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
            for (int t = 0; t < x[b].length; t++) {
                if (mask[b][t] == 0) continue;
                out[b][t] = (x[b][t] - mean) * scale + (shiftMean ? 0 : mean);
            }
        }
        return out;
    }

    /** One token's clipped surrogate loss and its derivative with respect to log π (the new log-prob). */
    public record PolicyLoss(double loss, double gradLogProb, boolean clipped) {
    }

    public static PolicyLoss policyLoss(double logProb, double oldLogProb, double advantage, double clip) {
        double ratio = Math.exp(logProb - oldLogProb);
        double unclipped = -advantage * ratio, clippedRatio = Math.max(1 - clip, Math.min(1 + clip, ratio));
        double clipped = -advantage * clippedRatio;
        // the max picks the clipped term only when it is larger; there the ratio is outside the band and the term is flat
        boolean useClipped = clipped > unclipped;
        return new PolicyLoss(useClipped ? clipped : unclipped, useClipped ? 0 : -advantage * ratio, useClipped);
    }

    /** One token's clipped value loss ½·max(…) and its derivative with respect to the new value V. */
    public record ValueLoss(double loss, double gradValue, boolean clipped) {
    }

    public static ValueLoss valueLoss(double value, double oldValue, double ret, double clip) {
        double v2 = Math.max(oldValue - clip, Math.min(oldValue + clip, value));
        double l1 = (value - ret) * (value - ret), l2 = (v2 - ret) * (v2 - ret);
        boolean useClipped = l2 > l1;
        // l2 > l1 needs v2 ≠ value, so the clipped branch is flat (∂v2/∂value = 0 outside the band)
        return new ValueLoss(0.5 * Math.max(l1, l2), useClipped ? 0 : value - ret, useClipped);
    }
}
