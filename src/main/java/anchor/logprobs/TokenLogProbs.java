package anchor.logprobs;

import anchor.gpt2.TokenBatch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Token log-probabilities: shift, log-softmax, gather (document 1, "Computing KL Divergence: The Actual Math").
 * Position t of the logits predicts token t+1, so a sequence of T tokens yields T−1 log-probs:
 * <pre>logprob[b][t] = log softmax(logits[b][t])[ids[b][t+1]]       t = 0 … T−2</pre>
 * The log-softmax is computed stably in double precision: log p_k = z_k − (m + log Σ_j exp(z_j − m)), m = max z.
 */
public final class TokenLogProbs {
    private TokenLogProbs() {
    }

    /**
     * @param logits (B, T, V) from the model
     * @return (B, T−1) log-probs; a position whose target or context token is padding holds 0 — use
     * {@link #targetMask(TokenBatch)} to know which are real
     */
    public static double[][] gather(INDArray logits, TokenBatch batch) {
        int B = batch.batchSize(), T = batch.length();
        int V = (int) logits.size(2);
        // FP32 logits are read as floats (half the memory of doubles); FP64 logits keep their precision
        boolean dbl = logits.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        float[] flat = dbl ? null : logits.dup('c').data().asFloat();
        double[] flatD = dbl ? logits.dup('c').data().asDouble() : null;
        double[] row = dbl ? null : new double[V];
        int[][] mask = targetMask(batch);
        double[][] out = new double[B][T - 1];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T - 1; t++) {
                if (mask[b][t] == 0) continue;
                int offset = (b * T + t) * V, target = batch.ids()[b][t + 1];
                if (dbl) {
                    out[b][t] = LogSoftmax.at(flatD, offset, V, target);
                } else {
                    for (int k = 0; k < V; k++) row[k] = flat[offset + k];
                    out[b][t] = LogSoftmax.at(row, 0, V, target);
                }
            }
        return out;
    }

    /** (B, T−1): 1 where both the predicting position and the predicted token are real tokens ({@link TokenBatch#targetMask}). */
    public static int[][] targetMask(TokenBatch batch) {
        return batch.targetMask();
    }
}
