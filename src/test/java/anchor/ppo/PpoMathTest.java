package anchor.ppo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** GAE, whitening, the clipped losses and the KL controller on hand-computed examples. */
class PpoMathTest {
    static final double[] R = {0.1, -0.2, 0.05, 1.3}, V = {0.5, 0.4, -0.1, 0.9};

    @Test
    void gaeWithLambdaOneIsRewardToGoMinusValueAndWithLambdaZeroIsTheTdError() {
        double[] a1 = PpoMath.gae(R, V, 1.0, 1.0), a0 = PpoMath.gae(R, V, 0.9, 0.0);
        for (int t = 0; t < R.length; t++) {
            double toGo = 0;
            for (int k = t; k < R.length; k++) toGo += R[k];
            assertThat(a1[t]).as("λ=1, t=%d", t).isCloseTo(toGo - V[t], within(1e-12));
            double next = t + 1 < V.length ? V[t + 1] : 0;
            assertThat(a0[t]).as("λ=0, t=%d", t).isCloseTo(R[t] + 0.9 * next - V[t], within(1e-12));
        }
        double[] a = PpoMath.gae(R, V, 1.0, 0.95), ret = PpoMath.returns(a, V);
        assertThat(a[3]).isCloseTo(R[3] - V[3], within(1e-12));
        assertThat(a[2]).isCloseTo(R[2] + V[3] - V[2] + 0.95 * a[3], within(1e-12));
        assertThat(ret[1]).isCloseTo(a[1] + V[1], within(1e-12));
    }

    @Test
    void shapedRewardsPutTheScoreOnTheLastToken() {
        double[] r = PpoMath.shapedRewards(new double[]{0.2, -0.1, 0.4}, 0.05, 2.0, 2);
        assertThat(r).containsExactly(new double[]{-0.01, 0.005, -0.02 + 2.0}, within(1e-15));
    }

    @Test
    void theClippedPolicyLossOnHandExamples() {
        double eps = 0.2;
        // A > 0, ρ = 1.5 above 1+ε: the clipped term −2·1.2 is larger; flat in log π
        var a = PpoMath.policyLoss(Math.log(1.5), 0, 2, eps);
        assertThat(a.loss()).isCloseTo(-2.4, within(1e-12));
        assertThat(a.clipped()).isTrue();
        assertThat(a.gradLogProb()).isZero();
        // A < 0, ρ = 0.7 below 1−ε: the clipped term −(−1)·0.8 = 0.8 is larger
        var b = PpoMath.policyLoss(Math.log(0.7), 0, -1, eps);
        assertThat(b.loss()).isCloseTo(0.8, within(1e-12));
        assertThat(b.clipped()).isTrue();
        // A < 0, ρ = 1.5: the unclipped term 1.5 is larger (PPO never clips a ratio that makes things worse)
        var c = PpoMath.policyLoss(Math.log(1.5), 0, -1, eps);
        assertThat(c.loss()).isCloseTo(1.5, within(1e-12));
        assertThat(c.clipped()).isFalse();
        assertThat(c.gradLogProb()).isCloseTo(1.5, within(1e-12));
        // A > 0, ρ = 0.7: unclipped −1.4 is larger than −1.6
        var d = PpoMath.policyLoss(Math.log(0.7), 0, 2, eps);
        assertThat(d.loss()).isCloseTo(-1.4, within(1e-12));
        double h = 1e-6;
        assertThat(d.gradLogProb()).isCloseTo((PpoMath.policyLoss(Math.log(0.7) + h, 0, 2, eps).loss()
                - PpoMath.policyLoss(Math.log(0.7) - h, 0, 2, eps).loss()) / (2 * h), within(1e-8));
    }

    @Test
    void theClippedValueLossOnHandExamples() {
        var a = PpoMath.valueLoss(1.5, 1.0, 2.0, 0.2);     // clipped to 1.2: (1.2 − 2)² = 0.64 > (1.5 − 2)² = 0.25
        assertThat(a.loss()).isCloseTo(0.32, within(1e-12));
        assertThat(a.clipped()).isTrue();
        assertThat(a.gradValue()).isZero();
        var b = PpoMath.valueLoss(0.9, 1.0, 2.0, 0.2);     // inside the band: both terms equal
        assertThat(b.loss()).isCloseTo(0.5 * 1.21, within(1e-12));
        assertThat(b.gradValue()).isCloseTo(-1.1, within(1e-12));
    }

    @Test
    void whiteningUsesTheValidTokensOnly() {
        double[][] x = {{1, 2, 99}, {3, 4, -50}};
        int[][] mask = {{1, 1, 0}, {1, 1, 0}};
        double[][] w = PpoMath.whiten(x, mask, true);
        assertThat(w[0][2]).isZero();
        assertThat(w[0][0] + w[0][1] + w[1][0] + w[1][1]).isCloseTo(0, within(1e-12));
        double sq = w[0][0] * w[0][0] + w[0][1] * w[0][1] + w[1][0] * w[1][0] + w[1][1] * w[1][1];
        assertThat(sq / 3).as("unbiased variance 1").isCloseTo(1, within(1e-6));
        assertThat(PpoMath.whiten(x, mask, false)[0][0]).as("mean added back").isCloseTo(w[0][0] + 2.5, within(1e-12));
    }

    @Test
    void theAdaptiveControllerSettlesAtItsTarget() {
        // a policy whose per-sequence KL after an update is inversely proportional to β: KL = 0.6 / β
        KlController c = KlController.adaptive(0.2, 6.0, 10_000);
        for (int update = 0; update < 2_000; update++) c.update(0.6 / c.beta(), 256);
        assertThat(0.6 / c.beta()).isCloseTo(6.0, within(0.06));
        KlController f = KlController.fixed(0.05);
        f.update(100, 256);
        assertThat(f.beta()).isEqualTo(0.05);
        // one step by hand: KL 12 is 100 % over the target, clipped to +20 %, times n/horizon = 0.0256
        KlController one = KlController.adaptive(0.1, 6.0, 10_000);
        one.update(12, 256);
        assertThat(one.beta()).isCloseTo(0.1 * (1 + 0.2 * 256 / 10_000.0), within(1e-15));
    }
}
