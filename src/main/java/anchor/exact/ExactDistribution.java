package anchor.exact;

import anchor.AnchorException;
import anchor.data.PromptResponse;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;

import java.util.List;

/**
 * A model's whole distribution over the responses to one prompt: log π(y | x) of every response y, each the float64
 * sum of its tokens' log-probabilities at temperature T (the graph's log-softmax of logits / T, one forward pass per
 * chunk of responses). From two of them, exact sequence-level quantities are sums, not estimates.
 *
 * @param responses the responses, as {@link Responses#all} lists them
 * @param logProb   log π(y | x) of each response, in the same order
 */
public record ExactDistribution(int[] prompt, List<int[]> responses, double[] logProb) {
    private static final int CHUNK = 512;

    /** log π(y | x) of every response in {@code responses} under {@code model} at {@code temperature}. */
    public static ExactDistribution of(Gpt2Model model, int[] prompt, List<int[]> responses, double temperature) {
        double[][] tokens = tokenLogProbs(model, prompt, responses, temperature);
        double[] logProb = new double[responses.size()];
        for (int b = 0; b < logProb.length; b++) {
            double sum = 0;
            for (double lp : tokens[b]) sum += lp;                                                         // log π(y) = Σ_t log π(y_t | x, y_<t)
            logProb[b] = sum;
        }
        return new ExactDistribution(prompt.clone(), List.copyOf(responses), logProb);
    }

    /** [b][t] = log π(y_t | x, y_&lt;t) of response b's token t, at {@code temperature}: the terms of its log π(y). */
    public static double[][] tokenLogProbs(Gpt2Model model, int[] prompt, List<int[]> responses, double temperature) {
        if (prompt.length == 0) throw new AnchorException("the prompt needs at least one token (the world's prompts start with <|endoftext|>)");
        checkFits(model.config(), prompt.length, responses.stream().mapToInt(y -> y.length).max().orElse(0));
        double[][] out = new double[responses.size()][];
        int P = prompt.length;
        for (int from = 0; from < responses.size(); from += CHUNK) {
            int to = Math.min(responses.size(), from + CHUNK);
            int[][] seqs = new int[to - from][];
            int[] first = new int[to - from];
            for (int b = from; b < to; b++) {
                seqs[b - from] = PromptResponse.ids(prompt, responses.get(b), PromptResponse.NO_END);   // x + y, (P + |y|)
                first[b - from] = P - 1;                                                                    // the position that predicts y_0
            }
            TokenBatch tb = TokenBatch.bucketed(seqs, false, model.config().nPositions());
            double[][] lp = model.tokenLogProbs(tb, temperature, tb.targetsFrom(first));                   // (chunk, T−1)
            for (int b = from; b < to; b++) {
                out[b] = new double[responses.get(b).length];
                for (int t = 0; t < out[b].length; t++) out[b][t] = lp[b - from][P - 1 + t];
            }
        }
        return out;
    }

    /** Refuses a prompt and responses of up to {@code longest} tokens that do not fit the model's positions, in one line. */
    public static void checkFits(anchor.gpt2.Gpt2Config c, int promptLength, int longest) {
        if (promptLength + longest > c.nPositions()) {
            throw new AnchorException("a prompt of " + promptLength + " tokens and responses of up to " + longest + " do not fit the model's "
                    + c.nPositions() + " positions; use a shorter --max-len or --prompt");
        }
    }

    /** Σ_y π(y): 1 up to the graph's float32 rounding (every leaf of the tree once). */
    public double totalProbability() {
        double sum = 0;
        for (double lp : logProb) sum += Math.exp(lp);
        return sum;
    }

    /** The sequence-level KL(π ‖ π_ref) = Σ_y π(y) · (log π(y) − log π_ref(y)), with what it was summed over. */
    public record Kl(double kl, int responses, double totalProbability) {
    }

    /** KL(this ‖ reference), exactly: both over the same responses to the same prompt. */
    public Kl klTo(ExactDistribution reference) {
        if (!java.util.Arrays.equals(prompt, reference.prompt) || responses.size() != reference.responses.size()) {
            throw new IllegalArgumentException("two distributions over different responses");
        }
        double kl = 0;
        for (int i = 0; i < logProb.length; i++) kl += Math.exp(logProb[i]) * (logProb[i] - reference.logProb[i]);
        return new Kl(kl, logProb.length, totalProbability());
    }
}
