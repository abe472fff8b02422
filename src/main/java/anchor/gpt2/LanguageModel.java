package anchor.gpt2;

/** Anything that scores token sequences: the SameDiff model, or the plain-Java CPU reference. */
public interface LanguageModel {
    Gpt2Config config();

    /** (B, T−1): {@code [b][t] = log p(ids[b][t+1] | ids[b][..t])}, 0 where the target is padding. */
    double[][] tokenLogProbs(TokenBatch batch);

    /** As {@link #tokenLogProbs(TokenBatch)}, from logits divided by {@code temperature} (PPO's sampling distribution). */
    double[][] tokenLogProbs(TokenBatch batch, double temperature);

    /**
     * As {@link #tokenLogProbs(TokenBatch, double)} where {@code targets} (B, T−1) is 1, and 0 where it is 0: a caller
     * that needs only a response's log-probs says so, and a model that can skip the rest does.
     */
    default double[][] tokenLogProbs(TokenBatch batch, double temperature, int[][] targets) {
        double[][] lp = tokenLogProbs(batch, temperature);
        for (int b = 0; b < lp.length; b++) for (int t = 0; t < lp[b].length; t++) if (targets[b][t] == 0) lp[b][t] = 0;
        return lp;
    }

    /** Parameters that an optimizer may change (0 for a frozen reference). */
    long trainableParameterCount();

    /** Bytes held by the parameter arrays. */
    long parameterBytes();

    /** A copy of one parameter's values as FP32 (for checks such as "are the weights still equal?"). */
    float[] parameter(String name);

    /** False for a model that runs with dropout; references are always in eval mode. */
    boolean inEvalMode();
}
