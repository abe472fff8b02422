package anchor.logprobs;

import anchor.gpt2.TokenBatch;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * EXERCISE 2.2 — gathering token log-probs with masks (document 1, "Computing KL Divergence: The Actual Math").
 * Reading: chapters/02-reference-model.md. Tests: {@code TokenLogProbsExerciseTest}.
 */
public final class TokenLogProbs {
    private TokenLogProbs() {
    }

    /**
     * Contract: logits (B, T, V); return (B, T−1) with {@code [b][t] = log softmax(logits[b][t])[ids[b][t+1]]},
     * computed stably in double (subtract the row max before exp), and exactly 0 where {@link #targetMask} is 0.
     */
    public static double[][] gather(INDArray logits, TokenBatch batch) {
        throw new UnsupportedOperationException("Exercise 2.2: implement TokenLogProbs.gather");
    }

    /** Given: (B, T−1), 1 where both token t (the context end) and token t+1 (the target) are real, else 0. */
    public static int[][] targetMask(TokenBatch batch) {
        return batch.targetMask();
    }
}
