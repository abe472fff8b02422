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

    /**
     * The mean KL over the rows of two (M, V) logit matrices, row k of one against row k of the other — e.g. both
     * models' logits at the positions that predict a response token ({@code Gpt2Model.logitRows}).
     */
    public static double meanOverRows(INDArray policyRows, INDArray referenceRows) {
        int M = (int) policyRows.size(0), V = (int) policyRows.size(1);
        if (referenceRows.size(0) != M || referenceRows.size(1) != V) throw new anchor.AnchorException("the two models' logits differ in shape");
        double[] p = policyRows.dup('c').data().asDouble(), q = referenceRows.dup('c').data().asDouble();
        double sum = 0;
        for (int k = 0; k < M; k++) {
            sum += KlEstimators.exact(java.util.Arrays.copyOfRange(p, k * V, (k + 1) * V), java.util.Arrays.copyOfRange(q, k * V, (k + 1) * V));
        }
        return sum / M;
    }

    static double at(INDArray policyLogits, INDArray referenceLogits, int b, int t) {
        double[] p = policyLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector();    // (V)
        double[] q = referenceLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector(); // (V)
        return KlEstimators.exact(p, q);
    }
}
