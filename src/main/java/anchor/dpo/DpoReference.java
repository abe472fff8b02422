package anchor.dpo;

import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.gpt2.LanguageModel;

import java.util.List;

/**
 * The reference's side of DPO (document 3, "Models in Memory"; document 1, "The Memory Problem", option 4). The loss
 * needs only log π_ref(y) of each response, which never changes: it can be computed once before training and the
 * reference dropped ({@link Precomputed}), or the frozen reference kept resident and run on every batch
 * ({@link Resident}) — which also lets each step measure the exact KL(π ‖ π_ref) over the vocabulary.
 */
public sealed interface DpoReference {
    /** A frozen model run on every batch. */
    record Resident(LanguageModel model) implements DpoReference {
    }

    /** Sequence log-probs per pair, [i] = {chosen, rejected}, computed once. */
    record Precomputed(double[][] logps) implements DpoReference {
    }

    /** One reference pass over the data, in batches of {@code batch} pairs. */
    static Precomputed precompute(LanguageModel reference, List<PreferenceBatch> pairs, int batch) {
        return new Precomputed(PairLogProbs.of(reference, pairs, batch));
    }
}
