package anchor.kl;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KlTest {
    @Test
    void perTokenKlAndObjective() {
        double[] kl = KlPenalty.perToken(new double[]{-1, -2, -0.5}, new double[]{-1.5, -1, -0.5});
        assertThat(kl).containsExactly(0.5, -1.0, 0.0);
        assertThat(KlPenalty.mean(kl, null)).isCloseTo(-1.0 / 6, within(1e-12));
        assertThat(KlPenalty.mean(kl, new int[]{1, 0, 1})).isCloseTo(0.25, within(1e-12));
        assertThat(KlPenalty.objective(2.0, 0.1, 3.0)).isCloseTo(1.7, within(1e-12));
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> KlPenalty.objective(1, 0, 1)).isInstanceOf(AnchorException.class).hasMessageContaining("beta must be");
        assertThatThrownBy(() -> KlPenalty.objective(1, -0.1, 1)).hasMessageContaining("beta must be");
        assertThatThrownBy(() -> KlPenalty.objective(1, Double.NaN, 1)).hasMessageContaining("beta must be");
        assertThatThrownBy(() -> KlPenalty.perToken(new double[]{Double.NaN}, new double[]{0})).hasMessageContaining("not finite");
        assertThatThrownBy(() -> KlPenalty.mean(new double[]{1}, new int[]{0})).hasMessageContaining("empty response");
        assertThatThrownBy(() -> KlPenalty.perToken(new double[2], new double[3])).hasMessageContaining("2 log-probs");
    }

    @Test
    void estimatorsAgainstExactKlOnSampledTokens() {
        // Two next-token distributions over 50 tokens; sample from the policy and compare estimator means with the exact KL.
        Random r = new Random(3);
        double[] zp = new double[50], zr = new double[50];
        for (int v = 0; v < 50; v++) {
            zr[v] = r.nextGaussian();
            zp[v] = zr[v] + 0.7 * r.nextGaussian();
        }
        double exact = KlEstimators.exact(zp, zr);
        double[] lp = KlEstimators.logSoftmax(zp), lr = KlEstimators.logSoftmax(zr);
        int n = 200_000, negativeK1 = 0;
        double[] mean = new double[3];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int x = 0;
            for (double c = Math.exp(lp[0]); c < u && x < 49; c += Math.exp(lp[++x])) { }
            double l = lp[x] - lr[x];
            if (l < 0) negativeK1++;
            for (KlEstimators.Estimator e : KlEstimators.Estimator.values()) {
                double k = e.of(l);
                if (e != KlEstimators.Estimator.K1) assertThat(k).isGreaterThanOrEqualTo(0);
                mean[e.ordinal()] += k / n;
            }
        }
        assertThat(exact).isPositive();
        assertThat(negativeK1).as("k1 is negative on many single tokens").isGreaterThan(n / 10);
        assertThat(mean[0]).as("k1 unbiased").isCloseTo(exact, within(0.02 * Math.max(1, exact) + 0.01));
        assertThat(mean[2]).as("k3 unbiased").isCloseTo(exact, within(0.02 * Math.max(1, exact) + 0.01));
        assertThat(Math.abs(mean[1] - exact)).as("k2 is biased").isGreaterThan(1e-3);
        assertThat(KlEstimators.exact(zr, zr)).isZero();
    }
}
