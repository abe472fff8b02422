package anchor.logprobs;

import anchor.AnchorException;

/**
 * The stable log-softmax at one index, in double, at a sampling temperature T (T = 1: the model's own distribution):
 * <pre>
 * log softmax(z / T)_k = (z_k − m) / T − log Σ_j exp((z_j − m) / T),     m = max z   (T &gt; 0 keeps the argmax)
 * </pre>
 * PPO scores its rollouts at the temperature they were sampled at (TRL divides the logits by it), so every log-prob
 * that enters a ratio ρ or a KL term is computed at that T.
 * <p>With two classes, logits (x, 0), it is the log-sigmoid that DPO's loss (document 3, "The DPO Loss Function") and
 * the Bradley–Terry reward model both use: log σ(x) = log softmax(x, 0)₀ = −(max(−x, 0) + log(1 + e^−|x|)).
 */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** log softmax(row)[target] for the row of length V starting at {@code offset}. */
    public static double at(double[] logits, int offset, int V, int target) {
        return at(logits, offset, V, target, 1.0);
    }

    /** log softmax(row / T)[target] for the row of length V starting at {@code offset}; T finite and &gt; 0. */
    public static double at(double[] logits, int offset, int V, int target, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("the temperature must be a finite number > 0, got " + temperature);
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < V; k++) max = Math.max(max, logits[offset + k]);
        double sum = 0;
        for (int k = 0; k < V; k++) sum += Math.exp((logits[offset + k] - max) / temperature);
        return (logits[offset + target] - max) / temperature - Math.log(sum);
    }

    /** log σ(x) = log softmax(x, 0)₀, stable for any x: the max (x or 0) taken out first, as above. */
    public static double logSigmoid(double x) {
        return -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    }

    /** σ(x) = softmax(x, 0)₀, without overflow on either side. */
    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
