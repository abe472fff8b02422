package anchor.logprobs;

import anchor.AnchorException;

/**
 * The stable log-softmax at one index, in double, at a sampling temperature T (T = 1: the model's own distribution):
 * <pre>
 * log softmax(z / T)_k = (z_k − m) / T − log Σ_j exp((z_j − m) / T),     m = max z   (T &gt; 0 keeps the argmax)
 * </pre>
 * PPO scores its rollouts at the temperature they were sampled at (TRL divides the logits by it), so every log-prob
 * that enters a ratio ρ or a KL term is computed at that T.
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
}
