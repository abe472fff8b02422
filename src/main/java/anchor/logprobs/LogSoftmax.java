package anchor.logprobs;

/** The stable log-softmax at one index, in double: log p_k = z_k − (m + log Σ_j exp(z_j − m)), m = max z. */
public final class LogSoftmax {
    private LogSoftmax() {
    }

    /** log softmax(row)[target] for the row of length V starting at {@code offset}. */
    public static double at(double[] logits, int offset, int V, int target) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < V; k++) max = Math.max(max, logits[offset + k]);
        double sum = 0;
        for (int k = 0; k < V; k++) sum += Math.exp(logits[offset + k] - max);
        return logits[offset + target] - max - Math.log(sum);
    }
}
