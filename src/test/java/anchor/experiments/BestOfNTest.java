package anchor.experiments;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Best-of-n's pick, its KL (bound and exact discrete value) and Gao et al.'s fits, on cases worked by hand. */
class BestOfNTest {
    @Test
    void thePickIsTheProxysArgmaxInEachGroup() {
        double[] proxy = {0.1, 0.9, 0.5, 0.2}, gold = {1, -1, 2, 3};
        assertThat(BestOfN.pick(proxy, gold, 1)).as("n = 1: every sample").isEqualTo(new BestOfN.Pick(0.425, 1.25));
        assertThat(BestOfN.pick(proxy, gold, 2)).as("n = 2: samples 1 and 2 picked").isEqualTo(new BestOfN.Pick(0.7, 0.5));
        assertThat(BestOfN.pick(proxy, gold, 4).gold()).as("n = 4: the proxy's favourite has gold −1").isEqualTo(-1);
    }

    @Test
    void theExactKlOfDistinctSamplesApproachesTheBoundAndRepeatsLowerIt() {
        List<int[]> distinct = new ArrayList<>();
        double[] proxy = new double[20_000];
        for (int i = 0; i < proxy.length; i++) {
            distinct.add(new int[]{i});
            proxy[i] = Math.sin(i);                            // any order
        }
        for (int n : new int[]{2, 4, 16}) {
            assertThat(BestOfN.klExact(distinct, proxy, n)).as("n = " + n + ": many distinct samples give log n − (n−1)/n")
                    .isCloseTo(BestOfN.klBound(n), within(2e-3));
        }
        List<int[]> same = List.of(new int[]{7}, new int[]{7}, new int[]{7}, new int[]{7});
        assertThat(BestOfN.klExact(same, new double[]{1, 1, 1, 1}, 4)).as("one response: best-of-n is the policy, KL 0").isZero();
        // two responses, equally likely: best-of-2 picks the better with probability 3/4
        List<int[]> two = List.of(new int[]{1}, new int[]{2});
        double expected = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5);
        assertThat(BestOfN.klExact(two, new double[]{0, 1}, 2)).isCloseTo(expected, within(1e-12)).isLessThan(BestOfN.klBound(2));
    }

    @Test
    void theFitsRecoverTheirParameters() {
        double[] d = {0.2, 0.5, 0.9, 1.4, 2.0, 2.6}, bon = new double[d.length], rl = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            bon[i] = d[i] * (0.8 - 0.3 * d[i]);
            rl[i] = d[i] * (0.6 - 0.4 * Math.log(d[i]));
        }
        BestOfN.Fit f = BestOfN.fitBon(d, bon), g = BestOfN.fitRl(d, rl);
        assertThat(f.alpha()).isCloseTo(0.8, within(1e-9));
        assertThat(f.beta()).isCloseTo(0.3, within(1e-9));
        assertThat(f.r2()).isCloseTo(1, within(1e-9));
        assertThat(g.alpha()).isCloseTo(0.6, within(1e-9));
        assertThat(g.beta()).isCloseTo(0.4, within(1e-9));
        assertThat(BestOfN.fitRl(new double[]{0, 1, 2}, new double[]{0, 1, 1}).points()).as("d = 0 has no ln d: left out").isEqualTo(2);
    }
}
