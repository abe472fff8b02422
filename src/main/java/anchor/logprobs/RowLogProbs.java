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
        int[][] real = batch.targetMask();
        int M = 0;
        for (int b = 0; b < B; b++) for (int t = 0; t < T - 1; t++) if (targets[b][t] != 0 && real[b][t] != 0) M++;
        if (M != rowLogits.size(0)) throw new anchor.AnchorException("logits have " + rowLogits.size(0) + " rows for " + M + " selected targets");
        int[] rowB = new int[M], rowT = new int[M];                                     // row k is position rowT[k] of row rowB[k]
        for (int b = 0, k = 0; b < B; b++)
            for (int t = 0; t < T - 1; t++) if (targets[b][t] != 0 && real[b][t] != 0) {
                rowB[k] = b;
                rowT[k++] = t;
            }
        double[][] out = new double[B][T - 1];
        LogitRows.forEach(rowLogits, null, (k, row, unused) -> out[rowB[k]][rowT[k]] = LogSoftmax.at(row, 0, V, batch.ids()[rowB[k]][rowT[k] + 1]));
        return out;
    }

}
