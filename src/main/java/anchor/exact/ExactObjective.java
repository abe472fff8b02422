package anchor.exact;

import anchor.data.PromptResponse;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gradients;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Document 1's objective, exactly: J(θ) = E_π[r] − β·KL(π ‖ π_ref) = Σ_y π(y)·(r(y) − β·log(π(y)/π_ref(y))), a sum
 * over every response, and its gradient. Since π(y) = exp(log π(y)),
 * <pre>
 * ∂J/∂log π(y) = π(y)·(r(y) − β·(log π(y) − log π_ref(y) + 1))
 * ∇_θ J        = Σ_y ∂J/∂log π(y) · ∇_θ log π(y),   log π(y) = Σ_t log π(y_t | x, y_&lt;t)
 * </pre>
 * so the gradient is one backward pass of the loss Σ_y Σ_t w_y · log π(y_t | …) with w_y = ∂J/∂log π(y) on every
 * token of y: the graph's own gradient, no sampling and no score-function estimate.
 */
public record ExactObjective(double objective, double expectedReward, double kl) {
    private static final int CHUNK = 512;

    /** J, E_π[r] and KL(π ‖ π_ref) of {@code policy} against {@code reference} for rewards r(y) in response order. */
    public static ExactObjective of(ExactDistribution policy, ExactDistribution reference, double[] reward, double beta) {
        double er = 0;
        for (int i = 0; i < reward.length; i++) er += Math.exp(policy.logProb()[i]) * reward[i];
        double kl = policy.klTo(reference).kl();
        return new ExactObjective(er - beta * kl, er, kl);
    }

    /** ∂J/∂log π(y) of each response (the equation above). */
    public static double[] weights(ExactDistribution policy, ExactDistribution reference, double[] reward, double beta) {
        double[] w = new double[reward.length];
        for (int i = 0; i < w.length; i++) {
            double lp = policy.logProb()[i];
            w[i] = Math.exp(lp) * (reward[i] - beta * (lp - reference.logProb()[i] + 1));
        }
        return w;
    }

    /** ∇_θ J of {@code model} (whose distribution {@code policy} is, at {@code temperature}) by parameter, float64 sums over chunks of responses. */
    public static Map<String, double[]> gradient(Gpt2Model model, ExactDistribution policy, ExactDistribution reference, double[] reward,
                                                 double beta, double temperature) {
        double[] w = weights(policy, reference, reward, beta);
        double[][] perToken = new double[w.length][];
        for (int i = 0; i < w.length; i++) {
            perToken[i] = new double[policy.responses().get(i).length];
            java.util.Arrays.fill(perToken[i], w[i]);                                                        // every token of y carries ∂J/∂log π(y)
        }
        return weightedGradient(model, policy.prompt(), policy.responses(), perToken, temperature);
    }

    /**
     * Σ_y Σ_t w[y][t] · ∇_θ log π(y_t | x, y_&lt;t) by parameter: one backward pass of the graph per chunk of responses,
     * summed in float64. Every exact gradient of the world is one of these, with its own weights.
     */
    public static Map<String, double[]> weightedGradient(Gpt2Model model, int[] x, List<int[]> ys, double[][] w, double temperature) {
        int P = x.length;
        Map<String, double[]> sum = new LinkedHashMap<>();
        for (int from = 0; from < ys.size(); from += CHUNK) {
            int to = Math.min(ys.size(), from + CHUNK);
            int[][] seqs = new int[to - from][];
            for (int b = from; b < to; b++) seqs[b - from] = PromptResponse.ids(x, ys.get(b), PromptResponse.NO_END);
            TokenBatch tb = TokenBatch.bucketed(seqs, false, model.config().nPositions());
            double[][] tw = new double[to - from][tb.length() - 1];                                   // (chunk, T−1)
            for (int b = from; b < to; b++) {
                for (int t = 0; t < ys.get(b).length; t++) tw[b - from][P - 1 + t] = w[b][t];
            }
            Gradients g = model.gradients(tb, Loss.tokens(tw).withTemperature(temperature));
            g.byParameter().forEach((name, grad) -> {
                double[] v = grad.dup().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(-1).toDoubleVector();
                sum.merge(name, v, (a, c) -> {
                    for (int i = 0; i < a.length; i++) a[i] += c[i];
                    return a;
                });
            });
        }
        return sum;
    }
}
