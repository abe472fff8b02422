package anchor.logprobs;

import anchor.AnchorException;
import anchor.gpt2.TokenBatch;

/**
 * Sequence log-probabilities from token log-probs, counting response tokens only: prompt tokens are context
 * (document 3, "What Each P Refers To"; document 1's log-probs cover every predicted token).
 * <pre>
 * log π(y | x) = Σ_{t ∈ response} logp[t]                      summed  (what DPO compares)
 * mean         = Σ_{t ∈ response} logp[t] / |response|        averaged (length-normalised; what IPO-style losses use)
 * </pre>
 */
public final class SequenceLogProbs {
    private SequenceLogProbs() {
    }

    /**
     * (B, T−1) mask over predicted tokens: 1 where the target token is a real token at or after the response start.
     * {@code promptLengths[b]} counts the real prompt tokens of row b (padding, on either side, is not counted).
     */
    public static int[][] responseMask(TokenBatch batch, int[] promptLengths) {
        if (promptLengths.length != batch.batchSize()) {
            throw new AnchorException(promptLengths.length + " prompt lengths for " + batch.batchSize() + " rows");
        }
        int[][] target = TokenLogProbs.targetMask(batch);
        int[][] mask = new int[batch.batchSize()][batch.length() - 1];
        for (int b = 0; b < mask.length; b++) {
            int real = 0, response = 0;
            for (int t = 0; t < batch.length(); t++) {
                if (batch.mask()[b][t] == 0) continue;
                if (real >= promptLengths[b] && t >= 1) {
                    mask[b][t - 1] = target[b][t - 1];
                    response += mask[b][t - 1];
                }
                real++;
            }
            if (promptLengths[b] < 1) throw new AnchorException("row " + b + ": the prompt needs at least one token (the first token is never predicted)");
            if (response == 0) throw new AnchorException("row " + b + ": empty response (prompt of " + promptLengths[b] + " tokens, " + real + " tokens in all)");
        }
        return mask;
    }

    /** Σ logp over the mask, per row. */
    public static double[] summed(double[][] tokenLogProbs, int[][] mask) {
        double[] s = new double[tokenLogProbs.length];
        for (int b = 0; b < s.length; b++) for (int t = 0; t < mask[b].length; t++) s[b] += mask[b][t] * tokenLogProbs[b][t];
        return s;
    }

    /** Σ logp / count over the mask, per row. */
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
