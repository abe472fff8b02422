package anchor.exact;

import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Best-of-n's distribution by hand, with and without ties, and its KL against log n − (n−1)/n on a model. */
class ExactBestOfNTest {
    static ExactDistribution hand(double... p) {
        List<int[]> ys = new java.util.ArrayList<>();
        double[] lp = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            ys.add(new int[]{i});
            lp[i] = Math.log(p[i]);
        }
        return new ExactDistribution(new int[]{9}, ys, lp);
    }

    @Test
    void bestOfTwoByHand() {
        ExactDistribution pi = hand(0.5, 0.3, 0.2);
        // distinct rewards: F = 0.5, 0.8, 1 → π_2 = 0.25, 0.64 − 0.25, 1 − 0.64
        assertThat(probs(ExactBestOfN.of(pi, new double[]{1, 2, 3}, 2))).containsExactly(new double[]{0.25, 0.39, 0.36}, within(1e-12));
        // a tie: the level {y0, y1} holds 0.8, wins with 0.64, shared 5:3
        assertThat(probs(ExactBestOfN.of(pi, new double[]{1, 1, 3}, 2))).containsExactly(new double[]{0.4, 0.24, 0.36}, within(1e-12));
        assertThat(probs(ExactBestOfN.of(pi, new double[]{1, 2, 3}, 1))).as("n = 1 is π").containsExactly(new double[]{0.5, 0.3, 0.2}, within(1e-12));
        // win rate of π_2 against π, distinct rewards: 0.25·0.25 + 0.39·(0.5 + 0.15) + 0.36·(0.8 + 0.1)
        assertThat(ExactBestOfN.winRate(ExactBestOfN.of(pi, new double[]{1, 2, 3}, 2), pi, new double[]{1, 2, 3}))
                .isCloseTo(0.25 * 0.25 + 0.39 * 0.65 + 0.36 * 0.9, within(1e-12));
        assertThat(ExactBestOfN.winRate(pi, pi, new double[]{1, 1, 3})).as("π against itself").isCloseTo(0.5, within(1e-12));
    }

    @Test
    void onAModelTheKlStaysUnderTheFormulaAndGrowsWithN() {
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), 4);
        double[] r = ExactReward.DEFAULT.of(ys);
        ExactDistribution pi = ExactDistribution.of(Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 11)), new int[]{ExactDistributionTest.EOS}, ys, 1.0);
        double previous = -1;
        for (int n : new int[]{1, 2, 4, 16, 64}) {
            ExactDistribution best = ExactBestOfN.of(pi, r, n);
            double kl = best.klTo(pi).kl();
            assertThat(best.totalProbability()).as("F(top)^n: (Σ π)^n").isCloseTo(Math.pow(pi.totalProbability(), n), within(1e-9));
            assertThat(kl).as("n = %d", n).isLessThanOrEqualTo(ExactBestOfN.klFormula(n) + 1e-9).isGreaterThan(previous);
            previous = kl;
        }
        assertThat(ExactBestOfN.klFormula(1)).isZero();
    }

    private static double[] probs(ExactDistribution d) {
        return java.util.Arrays.stream(d.logProb()).map(Math::exp).toArray();
    }
}
