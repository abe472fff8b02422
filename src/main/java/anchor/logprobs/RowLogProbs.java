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
        int[] rows = batch.targetRows(targets);                                         // row k of the logits is position rows[k] = b·T + t
        if (rows.length != rowLogits.size(0)) throw new anchor.AnchorException("logits have " + rowLogits.size(0) + " rows for " + rows.length + " selected targets");
        double[][] out = new double[B][T - 1];
        LogitRows.forEach(rowLogits, null, (k, row, unused) -> {
            int b = rows[k] / T, t = rows[k] % T;
            out[b][t] = LogSoftmax.at(row, 0, V, batch.ids()[b][t + 1]);
        });
        return out;
    }
}
