package anchor.logprobs;

import anchor.AnchorException;

/**
 * EXERCISE 2.6 — log-probs at a sampling temperature, and the two-class case, the stable log-sigmoid. PPO samples its
 * rollouts at T (0.7 by default) and computes every log-prob that enters a ratio or a KL term at the same T, from
 * softmax(logits / T); DPO's loss (chapter 4) and the reward model's (chapter 6) are log σ(x) = log softmax(x, 0)₀.
 * Reading: chapters/02-reference-model.md, Exercises; chapters/06-ppo.md, "TRL's defaults". Tests: {@code LogSoftmaxExerciseTest}.
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** Given: the log-softmax at T = 1. */
    public static double at(double[] logits, int offset, int V, int target) {
        return at(logits, offset, V, target, 1.0);
    }

    /**
     * Contract: log softmax(z / T)[target] for the row z of length V that starts at {@code offset} in {@code logits},
     * in double, stable for logits as large as a float holds (subtract the row's max first; T &gt; 0 does not move
     * it); a temperature that is not a finite number &gt; 0 → AnchorException. At T = 1 the result must equal the
     * plain stable log-softmax.
     */
    public static double at(double[] logits, int offset, int V, int target, double temperature) {
        throw new UnsupportedOperationException("Exercise 2.6: implement LogSoftmax.at with a temperature");
    }

    /**
     * Contract: log σ(x) = −log(1 + e^−x) = log softmax(x, 0)₀, accurate for any finite x: −800 at x = −800 (a log of
     * σ gives −∞), −e^−40 (not 0) at x = 40, −log 2 at 0.
     */
    public static double logSigmoid(double x) {
        throw new UnsupportedOperationException("Exercise 2.6: implement a stable log-sigmoid");
    }

    /** Given: σ(x) = softmax(x, 0)₀, without overflow on either side. */
    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
