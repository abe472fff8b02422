package anchor.exact;

import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.PlainGpt2;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** J = E_π[r] − β·KL and its gradient through the graph, against float64 sums and central differences of them. */
class ExactObjectiveTest {
    static final int EOS = ExactDistributionTest.EOS, L = 3;
    static final double BETA = 0.3;
    static final int[] PROMPT = {EOS};

    @Test
    void theObjectiveIsTheFloat64SumAndItsGradientTheCentralDifference() {
        Gpt2Weights wp = Gpt2Init.random(ExactDistributionTest.C, 4), wr = Gpt2Init.random(ExactDistributionTest.C, 104);
        for (double temperature : new double[]{1.0, 0.7}) {
            List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), L);
            double[] r = ExactReward.DEFAULT.of(ys);
            Gpt2Model policy = Gpt2Model.of(wp);
            ExactDistribution p = ExactDistribution.of(policy, PROMPT, ys, temperature), ref = ExactDistribution.of(Gpt2Model.frozen(wr), PROMPT, ys, temperature);
            ExactObjective j = ExactObjective.of(p, ref, r, BETA);
            double expected = objective(new PlainGpt2(wp), new PlainGpt2(wr), temperature);
            assertThat(j.objective()).as("J, T = %s", temperature).isCloseTo(expected, within(1e-5 * Math.abs(expected)));
            assertThat(j.objective()).isEqualTo(j.expectedReward() - BETA * j.kl());

            Map<String, double[]> g = ExactObjective.gradient(policy, p, ref, r, BETA, temperature);
            double h = 1e-3;
            for (String name : new String[]{"wte.weight", "h.0.attn.c_attn.weight", "h.1.mlp.c_fc.bias", "ln_f.weight"}) {
                float[] theta = wp.get(name);
                int largest = 0;
                for (int i = 0; i < theta.length; i++) if (Math.abs(g.get(name)[i]) > Math.abs(g.get(name)[largest])) largest = i;
                for (int i : new int[]{largest, theta.length / 3}) {
                    double fd = (objective(new PlainGpt2(nudged(wp, name, i, h)), new PlainGpt2(wr), temperature)
                            - objective(new PlainGpt2(nudged(wp, name, i, -h)), new PlainGpt2(wr), temperature)) / (2 * h);
                    double scale = Math.abs(g.get(name)[largest]);
                    assertThat(g.get(name)[i]).as("∂J/∂%s[%d], T = %s: central difference %.8f", name, i, temperature, fd).isCloseTo(fd, within(2e-3 * scale + 1e-7));
                }
            }
        }
    }

    @Test
    void atTheOptimumOfTheRewardAloneTheWeightsFollowTheReward() {
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), L);
        double[] r = ExactReward.DEFAULT.of(ys);
        ExactDistribution p = ExactDistribution.of(Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 5)), PROMPT, ys, 1.0);
        double[] w = ExactObjective.weights(p, p, r, 0);
        for (int i = 0; i < w.length; i++) assertThat(w[i]).as("β = 0: ∂J/∂log π(y) = π(y)·r(y)").isCloseTo(Math.exp(p.logProb()[i]) * r[i], within(1e-15));
        assertThat(ExactReward.DEFAULT.of(new int[]{0, 3, 0, EOS})).isCloseTo(2 - 0.4, within(1e-12));
    }

    /** J(π) = β·log Z − β·KL(π ‖ π*) for any π, so π* attains β·log Z and no random policy exceeds it. */
    @Test
    void theOptimumIsTheReferenceTiltedByTheRewardAndEveryPolicyFallsShortByItsKlToIt() {
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), L);
        double[] r = ExactReward.DEFAULT.of(ys);
        ExactDistribution ref = ExactDistribution.of(Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 7)), PROMPT, ys, 1.0);
        for (double beta : new double[]{0.1, 1, 10}) {
            ExactOptimum star = ExactOptimum.of(ref, r, beta);
            assertThat(star.distribution().totalProbability()).isCloseTo(1, within(1e-9));
            assertThat(ExactObjective.of(star.distribution(), ref, r, beta).objective()).as("J(π*), β = %s", beta).isCloseTo(star.maximum(), within(1e-9));
            for (long seed : new long[]{8, 9}) {
                ExactDistribution p = ExactDistribution.of(Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, seed)), PROMPT, ys, 1.0);
                double j = ExactObjective.of(p, ref, r, beta).objective(), gap = beta * p.klTo(star.distribution()).kl();
                // the identity with Σ π written out, as the sums have it: the graph's float32 log-probs leave Σ π = 1 ± 1e-7
                assertThat(j).as("J(π) = β log Z · Σπ − β KL(π ‖ π*), β = %s", beta)
                        .isCloseTo(star.maximum() * p.totalProbability() - gap, within(1e-9 * Math.max(1, Math.abs(j))));
                assertThat(gap).isPositive();
            }
        }
        assertThat(ExactOptimum.of(ref, r, 1e-3).distribution().logProb()).as("β → 0: all mass on the best responses")
                .satisfies(lp -> assertThat(java.util.stream.IntStream.range(0, lp.length).filter(i -> Math.exp(lp[i]) > 1e-6).mapToDouble(i -> r[i]).min().orElseThrow())
                        .isEqualTo(java.util.Arrays.stream(r).max().orElseThrow()));
    }

    private static Gpt2Weights nudged(Gpt2Weights w, String name, int i, double h) {
        float[] v = w.get(name).clone();
        v[i] += (float) h;
        return w.with(name, v);
    }

    /** Σ over the leaves of π(y)·(r(y) − β·log(π(y)/π_ref(y))), walked depth first in float64. */
    static double objective(PlainGpt2 policy, PlainGpt2 reference, double temperature) {
        return TreeWalk.sum(policy, reference, PROMPT, L, temperature, (y, lp, lr) -> Math.exp(lp) * (ExactReward.DEFAULT.of(y) - BETA * (lp - lr)));
    }
}
