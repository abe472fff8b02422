package anchor.logprobs;

import anchor.AnchorException;
import anchor.gpt2.TokenBatch;

/**
 * EXERCISE 4.2 — the response mask and the sequence log-prob (document 3, "What Each P Refers To").
 * Reading: document 3's prompt-masking section; chapters/04-dpo.md, "The loss". Tests: {@code SequenceLogProbsExerciseTest}.
 * <pre>
 * log π(y | x) = Σ_{t ∈ response} logp[t]                      summed  (what DPO compares)
 * mean         = Σ_{t ∈ response} logp[t] / |response|        averaged
 * </pre>
 */
public final class SequenceLogProbs {
    private SequenceLogProbs() {
    }

    /**
     * Contract: a (B, T−1) mask over predicted tokens, aligned with {@link TokenLogProbs#gather}: {@code mask[b][t] = 1}
     * exactly when token t+1 of row b is a real token (see {@link TokenLogProbs#targetMask}) and is not among the first
     * {@code promptLengths[b]} real tokens of the row. Padding, left or right, is never counted, neither in the prompt
     * length nor in the response.
     * Errors ({@link AnchorException}): {@code promptLengths.length != B}; a prompt of fewer than 1 token (the first
     * token is never predicted); a row whose response is empty (message containing "empty response").
     */
    public static int[][] responseMask(TokenBatch batch, int[] promptLengths) {
        throw new UnsupportedOperationException("Exercise 4.2: implement SequenceLogProbs.responseMask");
    }

    /** Contract: per row, Σ_t mask[b][t] · tokenLogProbs[b][t]. */
    public static double[] summed(double[][] tokenLogProbs, int[][] mask) {
        throw new UnsupportedOperationException("Exercise 4.2: implement SequenceLogProbs.summed");
    }

    /** Σ logp / count over the mask, per row (given: it uses your {@link #summed}). */
    public static double[] mean(double[][] tokenLogProbs, int[][] mask) {
        double[] s = summed(tokenLogProbs, mask);
        for (int b = 0; b < s.length; b++) {
            int n = 0;
            for (int m : mask[b]) n += m;
            if (n == 0) throw new AnchorException("row " + b + ": empty response, no token to average over");
            s[b] /= n;
        }
        return s;
    }
}
