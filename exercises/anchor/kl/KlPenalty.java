package anchor.kl;

import anchor.AnchorException;

/**
 * EXERCISE 2.3 — the per-token KL penalty (document 1, "Computing KL Divergence: The Actual Math").
 * Reading: chapters/02-reference-model.md. Tests: {@code KlPenaltyExerciseTest}.
 */
public final class KlPenalty {
    private KlPenalty() {
    }

    /**
     * Contract: kl[t] = policy[t] − reference[t]. Unequal lengths or a non-finite input → {@link AnchorException}
     * naming the problem.
     */
    public static double[] perToken(double[] policyLogps, double[] referenceLogps) {
        throw new UnsupportedOperationException("Exercise 2.3: implement KlPenalty.perToken");
    }

    /** Contract: the mean over positions where mask is 1 (all when mask is null); no position → AnchorException. */
    public static double mean(double[] perToken, int[] mask) {
        throw new UnsupportedOperationException("Exercise 2.3: implement KlPenalty.mean");
    }

    /** Contract: reward − β·KL; β must be finite and &gt; 0, else AnchorException. */
    public static double objective(double reward, double beta, double sequenceKl) {
        throw new UnsupportedOperationException("Exercise 2.3: implement KlPenalty.objective");
    }
}
