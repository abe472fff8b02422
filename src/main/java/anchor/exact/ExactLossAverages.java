package anchor.exact;

import anchor.gpt2.Gpt2Model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a policy-gradient loss is averaged over tokens, and what that does to its expected gradient, exactly (#40,
 * item 5). With the advantage A(y) = r(y) − E_π[r] and responses sampled from π, the gradient of E_π[r] is
 * Σ_y π(y)·A(y)·Σ_t ∇log π(y_t | …). Three ways of averaging a batch's token terms, in expectation over large batches:
 * <pre>
 * per-sequence mean (GRPO's original): Σ_y π(y)·A(y)·(1/|y|)·Σ_t ∇log π_t          a length bias: long y count less
 * per-token mean (DAPO, TRL's "bnpo"):  Σ_y π(y)·A(y)·Σ_t ∇log π_t / E_π[|y|]     the truth, scaled
 * constant normaliser (Dr. GRPO):       Σ_y π(y)·A(y)·Σ_t ∇log π_t / L             the truth, scaled
 * </pre>
 * Each is measured against the truth by its cosine and by the ratio of norms; a scaled truth has cosine 1.
 */
public final class ExactLossAverages {
    private ExactLossAverages() {
    }

    public enum Averaging { PER_SEQUENCE, PER_TOKEN, CONSTANT }

    public record Row(Averaging averaging, double cosine, double normRatio) {
    }

    public static List<Row> of(Gpt2Model policy, int[] prompt, List<int[]> ys, double[] reward, int maxLength) {
        ExactDistribution pi = ExactDistribution.of(policy, prompt, ys, 1.0);
        int n = ys.size();
        double meanReward = 0, meanLength = 0;
        for (int i = 0; i < n; i++) {
            double p = Math.exp(pi.logProb()[i]);
            meanReward += p * reward[i];
            meanLength += p * ys.get(i).length;
        }
        double[] truth = GradientVectors.flat(gradient(policy, prompt, ys, pi, reward, meanReward, y -> 1.0));
        List<Row> rows = new ArrayList<>();
        for (Averaging a : Averaging.values()) {
            double ml = meanLength;
            java.util.function.ToDoubleFunction<int[]> scale = switch (a) {
                case PER_SEQUENCE -> y -> 1.0 / y.length;
                case PER_TOKEN -> y -> 1.0 / ml;
                case CONSTANT -> y -> 1.0 / maxLength;
            };
            double[] g = GradientVectors.flat(gradient(policy, prompt, ys, pi, reward, meanReward, scale));
            rows.add(new Row(a, GradientVectors.cosine(g, truth), GradientVectors.norm(g) / GradientVectors.norm(truth)));
        }
        return rows;
    }

    private static Map<String, double[]> gradient(Gpt2Model policy, int[] prompt, List<int[]> ys, ExactDistribution pi, double[] reward, double baseline,
                                                  java.util.function.ToDoubleFunction<int[]> scale) {
        double[][] w = new double[ys.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = new double[ys.get(i).length];
            java.util.Arrays.fill(w[i], Math.exp(pi.logProb()[i]) * (reward[i] - baseline) * scale.applyAsDouble(ys.get(i)));
        }
        return ExactObjective.weightedGradient(policy, prompt, ys, w, 1.0);
    }
}
