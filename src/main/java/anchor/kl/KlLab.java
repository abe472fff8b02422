package anchor.kl;

import java.util.Random;

/**
 * The estimator lab: at each position of a text, the exact KL(π‖π_ref) over the whole vocabulary, the document's
 * k1 on the token that is actually there, and k1/k2/k3 averaged over tokens sampled from the policy at that position.
 * It shows with numbers that k1 goes negative per token while the exact KL never does, that k3 stays ≥ 0, and
 * which estimators' means land on the exact value.
 */
public final class KlLab {
    private KlLab() {
    }

    /** One position's numbers. {@code negativeK1Share} is the share of sampled tokens with k1 &lt; 0. */
    public record Position(int position, double exact, double k1OnText, double meanK1, double meanK2, double meanK3,
                           double negativeK1Share, double minK3) {
    }

    /**
     * @param policyLogits    (T, V) policy logits for the text
     * @param referenceLogits (T, V) reference logits for the same text
     * @param ids             the text's T token ids (position t predicts ids[t+1])
     */
    public static Position[] run(double[][] policyLogits, double[][] referenceLogits, int[] ids, int samples, long seed) {
        Random rng = new Random(seed);
        Position[] out = new Position[ids.length - 1];
        for (int t = 0; t < ids.length - 1; t++) {
            double[] lp = KlEstimators.logSoftmax(policyLogits[t]), lr = KlEstimators.logSoftmax(referenceLogits[t]);
            double[] cdf = new double[lp.length];
            double c = 0;
            for (int v = 0; v < lp.length; v++) cdf[v] = c += Math.exp(lp[v]);
            double[] mean = new double[3];
            double negative = 0, minK3 = Double.POSITIVE_INFINITY;
            for (int i = 0; i < samples; i++) {
                int x = java.util.Arrays.binarySearch(cdf, rng.nextDouble() * c);
                x = Math.min(x < 0 ? -x - 1 : x, lp.length - 1);
                double l = lp[x] - lr[x];
                if (l < 0) negative++;
                for (KlEstimators.Estimator e : KlEstimators.Estimator.values()) mean[e.ordinal()] += e.of(l) / samples;
                minK3 = Math.min(minK3, KlEstimators.Estimator.K3.of(l));
            }
            int next = ids[t + 1];
            out[t] = new Position(t, KlEstimators.exact(policyLogits[t], referenceLogits[t]), lp[next] - lr[next],
                    mean[0], mean[1], mean[2], negative / samples, minK3);
        }
        return out;
    }
}
