package anchor.exact;

import anchor.gpt2.Gpt2Model;

import java.util.List;

/**
 * What a one-sample KL estimate hides, without sampling: for responses drawn from q (the policy at the sampling
 * temperature), the exact mean and standard deviation of each sequence-level estimator of KL(π ‖ π_ref) at T = 1,
 * with d_t = log π(y_t | …) − log π_ref(y_t | …) on the sampled response's tokens (chapter 2's estimators, summed):
 * <pre>
 * k1(y) = Σ_t d_t          k2(y) = Σ_t ½·d_t²          k3(y) = Σ_t (e^{−d_t} − 1 + d_t)
 * E_q[k] = Σ_y q(y)·k(y)   sd_q[k] = √(Σ_y q(y)·k(y)² − E_q[k]²)
 * </pre>
 * With q = π, k1 and k3 are unbiased (k3 term by term, since π_ref's next-token probabilities sum to 1) and k2 is not;
 * with q ≠ π (sampling at T ≠ 1, the KL taken at T = 1) none of them estimates KL(π ‖ π_ref), and k1's mean can be
 * negative. The standard error of a mean over n responses is sd/√n exactly: no seeds are needed to know it.
 */
public final class ExactEstimators {
    private ExactEstimators() {
    }

    public enum Estimator { K1, K2, K3 }

    /** One estimator's exact moments under q, beside the KL it estimates. */
    public record Moments(Estimator estimator, double mean, double sd, double kl) {
        public double bias() {
            return mean - kl;
        }

        /** Responses a mean needs for a standard error of {@code se}: (sd/se)², rounded up. */
        public long samplesFor(double se) {
            return (long) Math.ceil(sd * sd / (se * se));
        }
    }

    /**
     * The three estimators' moments for responses sampled from {@code policy} at {@code temperature}, estimating
     * KL(π ‖ π_ref) at T = 1, over every response of {@code responses} to {@code prompt}.
     */
    public static List<Moments> of(Gpt2Model policy, Gpt2Model reference, int[] prompt, List<int[]> responses, double temperature) {
        double[][] lp = ExactDistribution.tokenLogProbs(policy, prompt, responses, 1.0), lr = ExactDistribution.tokenLogProbs(reference, prompt, responses, 1.0);
        ExactDistribution q = ExactDistribution.of(policy, prompt, responses, temperature);
        Terms terms = terms(lp, lr);
        double[][] k = terms.k();
        double kl = 0;
        for (int i = 0; i < responses.size(); i++) {
            kl += Math.exp(terms.logPolicy()[i]) * (terms.logPolicy()[i] - terms.logReference()[i]);   // the truth: Σ_y π(y)·log(π(y)/π_ref(y)), at T = 1
        }
        List<Moments> out = new java.util.ArrayList<>();
        for (Estimator e : Estimator.values()) {
            double m = 0, m2 = 0;
            for (int i = 0; i < responses.size(); i++) {
                double w = Math.exp(q.logProb()[i]), v = k[e.ordinal()][i];
                m += w * v;
                m2 += w * v * v;
            }
            out.add(new Moments(e, m, Math.sqrt(Math.max(0, m2 - m * m)), kl));
        }
        return out;
    }

    /**
     * Per response, from the two models' token log-probs at T = 1: d_t (response, token), k1, k2, k3 summed over the
     * response (estimator, response), log π(y) and log π_ref(y). The one place the estimators' formulas are applied.
     */
    record Terms(double[][] d, double[][] k, double[] logPolicy, double[] logReference) {
    }

    static Terms terms(double[][] lp, double[][] lr) {
        int n = lp.length;
        double[][] d = new double[n][], k = new double[3][n];
        double[] logPi = new double[n], logRef = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = new double[lp[i].length];
            for (int t = 0; t < d[i].length; t++) {
                d[i][t] = lp[i][t] - lr[i][t];
                k[0][i] += d[i][t];
                k[1][i] += 0.5 * d[i][t] * d[i][t];
                k[2][i] += Math.exp(-d[i][t]) - 1 + d[i][t];
                logPi[i] += lp[i][t];
                logRef[i] += lr[i][t];
            }
        }
        return new Terms(d, k, logPi, logRef);
    }
}
