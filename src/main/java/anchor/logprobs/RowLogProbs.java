package anchor.logprobs;

import anchor.gpt2.TokenBatch;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Token log-probs from logits computed at selected positions only (a response's), not the whole (B, T, V). */
public final class RowLogProbs {
    private RowLogProbs() {
    }

    /**
     * As {@link TokenLogProbs#gather}, from logits at the selected positions only ({@code Gpt2Model.logitRows}: (M, V), one row per
     * real target marked in {@code targets}, row-major); 0 at every other position.
     */
    public static double[][] gather(INDArray rowLogits, TokenBatch batch, int[][] targets) {
        int B = batch.batchSize(), T = batch.length(), V = (int) rowLogits.size(1);
        boolean dbl = rowLogits.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        double[] flat = dbl ? rowLogits.dup('c').data().asDouble() : null;
        float[] flatF = dbl ? null : rowLogits.dup('c').data().asFloat();
        double[] row = new double[V];
        int[][] real = batch.targetMask();
        double[][] out = new double[B][T - 1];
        int k = 0;
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T - 1; t++) {
                if (targets[b][t] == 0 || real[b][t] == 0) continue;
                int target = batch.ids()[b][t + 1];
                if (dbl) out[b][t] = LogSoftmax.at(flat, k * V, V, target);
                else {
                    for (int v = 0; v < V; v++) row[v] = flatF[k * V + v];
                    out[b][t] = LogSoftmax.at(row, 0, V, target);
                }
                k++;
            }
        if (k != rowLogits.size(0)) throw new anchor.AnchorException("logits have " + rowLogits.size(0) + " rows for " + k + " selected targets");
        return out;
    }

}
