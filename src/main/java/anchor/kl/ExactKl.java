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
        int M = (int) policyRows.size(0);
        double[] kl = new double[M];
        anchor.logprobs.LogitRows.forEach(policyRows, referenceRows, (k, p, q) -> kl[k] = KlEstimators.exact(p, q));
        double sum = 0;
        for (double x : kl) sum += x;                                                   // in row order, as one pass would add them
        return sum / M;
    }

    static double at(INDArray policyLogits, INDArray referenceLogits, int b, int t) {
        double[] p = policyLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector();    // (V)
        double[] q = referenceLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector(); // (V)
        return KlEstimators.exact(p, q);
    }
}
