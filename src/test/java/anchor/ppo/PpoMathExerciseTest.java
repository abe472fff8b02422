package anchor.ppo;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercises 6.1 (shaped rewards, GAE, returns) and 6.2 (the clipped losses). */
@Tag("exercise")
class PpoMathExerciseTest {
    @Test
    void shapedRewardsGaeAndReturns() {
        double[] r = PpoMath.shapedRewards(new double[]{0.0, 0.4, -0.2}, 0.5, 3.0, 2);
        assertThat(r).as("−β·kl, the score on the last token").containsExactly(new double[]{0.0, -0.2, 0.1 + 3.0}, within(1e-15));
        assertThat(Double.doubleToRawLongBits(r[0])).as("0.0, not −0.0").isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThatThrownBy(() -> PpoMath.shapedRewards(new double[]{1}, 0.1, 1, 1)).as("score outside the response").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> PpoMath.shapedRewards(new double[]{1, 2}, 0.1, 1, -1)).as("score before the response").isInstanceOf(AnchorException.class);
        double[] early = PpoMath.shapedRewards(new double[]{0.2, 0.4, 1.0, -1.0}, 0.5, 3.0, 1);
        assertThat(early).as("the score goes on token scoreAt (the response's last real token), not on the last slot")
                .containsExactly(new double[]{-0.1, -0.2 + 3.0, -0.5, 0.5}, within(1e-15));
        assertThat(PpoMath.shapedRewards(new double[]{0.2, -0.4}, 0.0, 1.0, 1)).as("β = 0: the score alone").containsExactly(new double[]{0.0, 1.0}, within(1e-15));
        assertThat(PpoMath.shapedRewards(new double[]{0.5, 0.5}, 0.1, 1.0, 0)).as("scoreAt = 0: a one-token response").containsExactly(new double[]{0.95, -0.05}, within(1e-15));
        double[] rewards = {1, 0, 2}, values = {0.5, 1.5, -1};
        double[] a = PpoMath.gae(rewards, values, 0.9, 0.5);
        double d2 = 2 - (-1), d1 = 0 + 0.9 * -1 - 1.5, d0 = 1 + 0.9 * 1.5 - 0.5;
        assertThat(a[2]).as("last token: no next value").isCloseTo(d2, within(1e-12));
        assertThat(a[1]).as("A_1 = δ_1 + γλ·A_2").isCloseTo(d1 + 0.45 * d2, within(1e-12));
        assertThat(a[0]).as("A_0 = δ_0 + γλ·A_1").isCloseTo(d0 + 0.45 * (d1 + 0.45 * d2), within(1e-12));
        assertThat(PpoMath.returns(a, values)).as("R = A + V").containsExactly(new double[]{a[0] + 0.5, a[1] + 1.5, a[2] - 1}, within(1e-12));
        assertThatThrownBy(() -> PpoMath.gae(new double[2], new double[3], 1, 1)).as("lengths differ").isInstanceOf(AnchorException.class);
    }

    @Test
    void clippedPolicyAndValueLosses() {
        var up = PpoMath.policyLoss(Math.log(1.5), 0, 2, 0.2);
        assertThat(up.loss()).as("A > 0, ρ above 1+ε: clipped").isCloseTo(-2.4, within(1e-12));
        assertThat(up.clipped()).as("clipped flag").isTrue();
        assertThat(up.gradLogProb()).as("flat where clipped").isZero();
        var worse = PpoMath.policyLoss(Math.log(1.5), 0, -1, 0.2);
        assertThat(worse.loss()).as("A < 0, ρ = 1.5: never clipped").isCloseTo(1.5, within(1e-12));
        assertThat(worse.gradLogProb()).as("−A·ρ").isCloseTo(1.5, within(1e-12));
        var low = PpoMath.policyLoss(Math.log(0.7), 0, -1, 0.2);
        assertThat(low.loss()).as("A < 0, ρ below 1−ε: clipped").isCloseTo(0.8, within(1e-12));
        assertThat(low.clipped()).as("A < 0, ρ below 1−ε: clipped flag").isTrue();
        assertThat(low.gradLogProb()).as("A < 0, ρ below 1−ε: no gradient through the clipped branch").isZero();
        var lowGood = PpoMath.policyLoss(Math.log(0.7), 0, 2, 0.2);
        assertThat(lowGood.loss()).as("A > 0, ρ = 0.7 below the band: never clipped").isCloseTo(-1.4, within(1e-12));
        assertThat(lowGood.gradLogProb()).as("A > 0, ρ = 0.7: −A·ρ").isCloseTo(-1.4, within(1e-12));
        assertThat(lowGood.clipped()).as("A > 0, ρ = 0.7: not clipped").isFalse();
        // inside the band both terms are equal: the unclipped one is used, and its gradient −A·ρ flows (else PPO never learns)
        var inGood = PpoMath.policyLoss(Math.log(1.1), 0, 2, 0.2);
        assertThat(inGood.loss()).as("A > 0, ρ = 1.1 in the band").isCloseTo(-2.2, within(1e-12));
        assertThat(inGood.gradLogProb()).as("A > 0, ρ = 1.1 in the band: gradient −A·ρ, not 0").isCloseTo(-2.2, within(1e-12));
        assertThat(inGood.clipped()).as("A > 0, ρ = 1.1 in the band: not clipped").isFalse();
        var inBad = PpoMath.policyLoss(Math.log(0.9), 0, -1, 0.2);
        assertThat(inBad.loss()).as("A < 0, ρ = 0.9 in the band").isCloseTo(0.9, within(1e-12));
        assertThat(inBad.gradLogProb()).as("A < 0, ρ = 0.9 in the band: gradient −A·ρ, not 0").isCloseTo(0.9, within(1e-12));
        assertThat(inBad.clipped()).as("A < 0, ρ = 0.9 in the band: not clipped").isFalse();
        var onPolicy = PpoMath.policyLoss(-1.3, -1.3, 0.5, 0.2);
        assertThat(onPolicy.gradLogProb()).as("ρ = 1 (the first epoch): −A").isCloseTo(-0.5, within(1e-12));
        assertThat(PpoMath.policyLoss(-0.4, -1.0, 1.0, 0.2).loss()).as("ρ = e^(logProb − oldLogProb), not the other way").isCloseTo(-1.2, within(1e-12));
        double h = 1e-6;
        for (double[] c : new double[][]{{Math.log(1.5), 2}, {Math.log(1.5), -1}, {Math.log(0.7), -1}, {Math.log(0.7), 2}, {Math.log(1.1), 2}, {Math.log(0.9), -1}}) {
            double fd = (PpoMath.policyLoss(c[0] + h, 0, c[1], 0.2).loss() - PpoMath.policyLoss(c[0] - h, 0, c[1], 0.2).loss()) / (2 * h);
            assertThat(PpoMath.policyLoss(c[0], 0, c[1], 0.2).gradLogProb()).as("∂loss/∂logProb by finite differences, ρ = %.2f, A = %s", Math.exp(c[0]), c[1])
                    .isCloseTo(fd, within(1e-6));
        }
        var v = PpoMath.valueLoss(1.5, 1.0, 2.0, 0.2);
        assertThat(v.loss()).as("½·max((1.5−2)², (1.2−2)²)").isCloseTo(0.32, within(1e-12));
        assertThat(v.gradValue()).as("flat where clipped").isZero();
        var inside = PpoMath.valueLoss(0.9, 1.0, 2.0, 0.2);
        assertThat(inside.gradValue()).as("V − R inside the band").isCloseTo(-1.1, within(1e-12));
        assertThat(inside.clipped()).as("not clipped inside the band").isFalse();
        assertThat(inside.loss()).as("½·(0.9 − 2)² inside the band").isCloseTo(0.605, within(1e-12));
        var below = PpoMath.valueLoss(0.5, 1.0, 0.0, 0.2);
        assertThat(below.loss()).as("V below the band, clipped term larger: ½·(0.8 − 0)²").isCloseTo(0.32, within(1e-12));
        assertThat(below.clipped()).as("V below the band: clipped").isTrue();
        assertThat(below.gradValue()).as("V below the band: flat").isZero();
        var outsideButCloser = PpoMath.valueLoss(1.5, 1.0, 1.0, 0.2);
        assertThat(outsideButCloser.loss()).as("V outside the band, unclipped term larger: ½·(1.5 − 1)²").isCloseTo(0.125, within(1e-12));
        assertThat(outsideButCloser.gradValue()).as("V outside the band, unclipped larger: V − R").isCloseTo(0.5, within(1e-12));
        assertThat(outsideButCloser.clipped()).as("the unclipped term was used").isFalse();
    }
}
