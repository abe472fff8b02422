package anchor.exact;

import anchor.gpt2.Gpt2Model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each KL estimator's gradient is, exactly, against the true ∇_θ KL(π ‖ π_ref), for responses sampled from π at
 * T = 1 (d_t = log π(y_t | …) − log π_ref(y_t | …)). Each is one weighted sum over every response's tokens:
 * <pre>
 * truth                 ∇KL = Σ_y π(y)·log(π(y)/π_ref(y))·∇log π(y)                (the +1 term sums to ∇Σπ = 0)
 * in the reward (PPO)   E_π[k(y)·∇log π(y)]: k enters a return, the policy gradient carries it
 * in the loss (GRPO)    E_π[∇k(y)], the samples held fixed: ∇k1 = Σ_t ∇log π_t, ∇k2 = Σ_t d_t·∇log π_t,
 *                       ∇k3 = Σ_t (1 − e^{−d_t})·∇log π_t
 * </pre>
 * k1 in the reward is the truth itself; k1 in the loss is E_π[∇log π(y)] = 0, no gradient at all; the others are
 * gradients of other divergences, which this measures as an error relative to the truth and a cosine with it.
 */
public final class ExactKlGradients {
    private ExactKlGradients() {
    }

    public enum Placement { REWARD, LOSS }

    /** One estimator in one placement: its exact expected gradient against the truth. */
    public record Row(ExactEstimators.Estimator estimator, Placement placement, double norm, double relativeError, double cosine) {
    }

    /** The norm of the true gradient and each estimator × placement against it. */
    public record Result(double trueNorm, List<Row> rows) {
    }

    public static Result of(Gpt2Model policy, Gpt2Model reference, int[] prompt, List<int[]> ys) {
        double[][] lp = ExactDistribution.tokenLogProbs(policy, prompt, ys, 1.0), lr = ExactDistribution.tokenLogProbs(reference, prompt, ys, 1.0);
        int n = ys.size();
        ExactEstimators.Terms terms = ExactEstimators.terms(lp, lr);
        double[][] d = terms.d(), k = terms.k();                                             // (response, token), (estimator, response)
        double[] pi = new double[n];
        for (int i = 0; i < n; i++) pi[i] = Math.exp(terms.logPolicy()[i]);
        double[] truth = GradientVectors.flat(ExactObjective.weightedGradient(policy, prompt, ys, sequenceWeights(pi, k[0], d), 1.0));
        List<Row> rows = new ArrayList<>();
        for (ExactEstimators.Estimator e : ExactEstimators.Estimator.values()) {
            rows.add(row(e, Placement.REWARD, GradientVectors.flat(ExactObjective.weightedGradient(policy, prompt, ys, sequenceWeights(pi, k[e.ordinal()], d), 1.0)), truth));
            double[][] w = new double[n][];
            for (int i = 0; i < n; i++) {
                w[i] = new double[d[i].length];
                for (int t = 0; t < w[i].length; t++) {
                    double dk = switch (e) {                                                // ∂k/∂log π_t, the samples held fixed
                        case K1 -> 1;
                        case K2 -> d[i][t];
                        case K3 -> 1 - Math.exp(-d[i][t]);
                    };
                    w[i][t] = pi[i] * dk;
                }
            }
            rows.add(row(e, Placement.LOSS, GradientVectors.flat(ExactObjective.weightedGradient(policy, prompt, ys, w, 1.0)), truth));
        }
        return new Result(GradientVectors.norm(truth), rows);
    }

    /** π(y)·k(y) on every token of y: E_π[k(y)·∇log π(y)]. */
    private static double[][] sequenceWeights(double[] pi, double[] k, double[][] shape) {
        double[][] w = new double[pi.length][];
        for (int i = 0; i < pi.length; i++) {
            w[i] = new double[shape[i].length];
            java.util.Arrays.fill(w[i], pi[i] * k[i]);
        }
        return w;
    }

    private static Row row(ExactEstimators.Estimator e, Placement p, double[] g, double[] truth) {
        double diff = 0;
        for (int i = 0; i < g.length; i++) diff += (g[i] - truth[i]) * (g[i] - truth[i]);
        return new Row(e, p, GradientVectors.norm(g), Math.sqrt(diff) / GradientVectors.norm(truth), GradientVectors.cosine(g, truth));
    }
}
