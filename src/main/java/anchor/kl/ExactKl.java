package anchor.kl;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The exact per-position KL(π ‖ π_ref) over the whole vocabulary ({@link KlEstimators#exact}) from two models'
 * logits on the same batch: what the k1/k2/k3 estimators estimate from one sampled token.
 */
public final class ExactKl {
    private ExactKl() {
    }

    /** KL at positions 0 … n−1 of row {@code b}; logits (B, T, V). */
    public static double[] atPositions(INDArray policyLogits, INDArray referenceLogits, int b, int n) {
        double[] kl = new double[n];
        for (int t = 0; t < n; t++) kl[t] = at(policyLogits, referenceLogits, b, t);
        return kl;
    }

    /** The mean KL over the positions where {@code mask} (B, ≤T) is 1 — e.g. those that predict a response token. */
    public static double meanOverMask(INDArray policyLogits, INDArray referenceLogits, int[][] mask) {
        double sum = 0;
        int n = 0;
        for (int b = 0; b < mask.length; b++)
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t] == 0) continue;
                sum += at(policyLogits, referenceLogits, b, t);
                n++;
            }
        return sum / n;
    }

    static double at(INDArray policyLogits, INDArray referenceLogits, int b, int t) {
        double[] p = policyLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector();    // (V)
        double[] q = referenceLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector(); // (V)
        return KlEstimators.exact(p, q);
    }
}
