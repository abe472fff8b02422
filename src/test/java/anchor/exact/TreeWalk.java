package anchor.exact;

import anchor.gpt2.PlainGpt2;

/**
 * The tests' independent enumeration: a depth-first walk of the tree of continuations with two float64 models
 * (PlainGpt2, no ND4J), summing a term over its leaves — a response ends at {@code <|endoftext|>} (the last id) or
 * after {@code maxLen} tokens. It shares nothing with {@link Responses} or {@link ExactDistribution} but the weights.
 */
final class TreeWalk {
    private TreeWalk() {
    }

    /** What a leaf adds: its response y and log π(y), log π_ref(y) at the walk's temperature. */
    interface Leaf {
        double term(int[] y, double logP, double logR);
    }

    static double sum(PlainGpt2 policy, PlainGpt2 reference, int[] prompt, int maxLen, double temperature, Leaf leaf) {
        return walk(policy, reference, prompt, new int[0], 0, 0, maxLen, temperature, leaf);
    }

    private static double walk(PlainGpt2 policy, PlainGpt2 reference, int[] seq, int[] y, double logP, double logR, int maxLen, double temperature, Leaf leaf) {
        double[] p = logSoftmax(last(policy.logits(seq)), temperature), q = logSoftmax(last(reference.logits(seq)), temperature);
        int eos = p.length - 1;
        double sum = 0;
        for (int v = 0; v < p.length; v++) {
            int[] yv = java.util.Arrays.copyOf(y, y.length + 1);
            yv[y.length] = v;
            if (v == eos || yv.length == maxLen) {
                sum += leaf.term(yv, logP + p[v], logR + q[v]);
            } else {
                int[] next = java.util.Arrays.copyOf(seq, seq.length + 1);
                next[seq.length] = v;
                sum += walk(policy, reference, next, yv, logP + p[v], logR + q[v], maxLen, temperature, leaf);
            }
        }
        return sum;
    }

    private static double[] last(double[][] logits) {
        return logits[logits.length - 1];
    }

    private static double[] logSoftmax(double[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (double l : logits) max = Math.max(max, l / temperature);
        for (double l : logits) z += Math.exp(l / temperature - max);
        double[] out = new double[logits.length];
        for (int v = 0; v < logits.length; v++) out[v] = logits[v] / temperature - max - Math.log(z);
        return out;
    }
}
