package anchor.dpo;

import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.gpt2.LanguageModel;
import anchor.logprobs.SequenceLogProbs;

import java.util.List;

/**
 * The sequence log-probs document 3's loss compares, log π(y_w | x) and log π(y_l | x) — each response's token
 * log-probs summed over its response mask — for every pair under one model, a batch of pairs at a time.
 */
public final class PairLogProbs {
    private PairLogProbs() {
    }

    /** [i] = {log π(chosen_i | prompt_i), log π(rejected_i | prompt_i)}, in batches of {@code batch} pairs. */
    public static double[][] of(LanguageModel model, List<PreferenceBatch> pairs, int batch) {
        double[][] out = new double[pairs.size()][2];
        for (int from = 0; from < pairs.size(); from += batch) {
            int[] idx = new int[Math.min(batch, pairs.size() - from)];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            PairBatches.Rows r = PairBatches.rows(pairs, idx, model.config().nPositions());   // 2B rows: chosen, then rejected
            double[] s = SequenceLogProbs.summed(model.tokenLogProbs(r.batch(), 1.0, r.mask()), r.mask());   // (2B)
            for (int i = 0; i < idx.length; i++) {
                out[from + i][0] = s[i];
                out[from + i][1] = s[idx.length + i];
            }
        }
        return out;
    }
}
