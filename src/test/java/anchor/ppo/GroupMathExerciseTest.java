package anchor.ppo;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercise 6.4. */
@Tag("exercise")
class GroupMathExerciseTest {
    @Test
    void leaveOneOutAndGroupNormalization() {
        assertThat(GroupMath.leaveOneOut(new double[]{1, 2, 3, 10, 20, 30}, 3)).as("leave-one-out: R_i minus the mean of the other two of its group")
                .containsExactly(new double[]{-1.5, 0, 1.5, -15, 0, 15}, within(1e-12));
        assertThat(GroupMath.leaveOneOut(new double[]{1, 5}, 2)).as("groups of two: A = R_i − R_other").containsExactly(new double[]{-4, 4}, within(1e-12));
        double s = 1 + 1e-4;
        assertThat(GroupMath.groupNormalized(new double[]{1, 2, 3, 5, 5, 5}, 3)).as("(s − mean) / (sample std + 1e−4); an equal group gives 0")
                .containsExactly(new double[]{-1 / s, 0, 1 / s, 0, 0, 0}, within(1e-12));
        assertThatThrownBy(() -> GroupMath.leaveOneOut(new double[5], 2)).as("5 rows do not split into groups of 2").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> GroupMath.groupNormalized(new double[3], 1)).as("a group of one has no baseline").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> GroupMath.groupNormalized(new double[3], 2)).as("3 rows do not split into groups of 2 (GRPO)").isInstanceOf(AnchorException.class);
        double pair = Math.sqrt(2) + 1e-4;
        assertThat(GroupMath.groupNormalized(new double[]{1, 3}, 2)).as("groups of two: the sample std of (1, 3) is √2")
                .containsExactly(new double[]{-1 / pair, 1 / pair}, within(1e-12));
    }

    @Test
    void clippedTermAndK3() {
        var up = GroupMath.clipped(Math.log(1.5), 1, 0.2);
        assertThat(up.loss()).as("A = 1, ρ = 1.5: max(−1.5, −1.2) = −1.2").isCloseTo(-1.2, within(1e-12));
        assertThat(up.clipped()).as("A = 1, ρ = 1.5: the clipped branch").isTrue();
        assertThat(up.gradLogRatio()).as("A = 1, ρ = 1.5: the clipped branch has no gradient").isZero();
        var down = GroupMath.clipped(Math.log(0.5), 1, 0.2);
        assertThat(down.loss()).as("A = 1, ρ = 0.5: max(−0.5, −0.8) = −0.5").isCloseTo(-0.5, within(1e-12));
        assertThat(down.gradLogRatio()).as("A = 1, ρ = 0.5: ∂(−A·ρ)/∂log ρ = −A·ρ").isCloseTo(-0.5, within(1e-12));
        assertThat(GroupMath.clipped(Math.log(1.5), -1, 0.2).gradLogRatio()).as("A = −1, ρ = 1.5: unclipped, gradient 1.5").isCloseTo(1.5, within(1e-12));
        var low = GroupMath.clipped(Math.log(0.5), -1, 0.2);
        assertThat(low.loss()).as("A = −1, ρ = 0.5: max(0.5, 0.8) = 0.8, the clip at 1 − ε").isCloseTo(0.8, within(1e-12));
        assertThat(low.clipped()).as("A = −1, ρ = 0.5: the clipped branch").isTrue();
        assertThat(low.gradLogRatio()).as("A = −1, ρ = 0.5: no gradient").isZero();
        var inBand = GroupMath.clipped(Math.log(1.1), 2, 0.2);
        assertThat(inBand.loss()).as("A = 2, ρ = 1.1 in the band").isCloseTo(-2.2, within(1e-12));
        assertThat(inBand.gradLogRatio()).as("A = 2, ρ = 1.1 in the band: the gradient −A·ρ flows").isCloseTo(-2.2, within(1e-12));
        assertThat(inBand.clipped()).as("A = 2, ρ = 1.1 in the band: not clipped").isFalse();
        assertThat(GroupMath.clipped(0, -0.5, 0.2).gradLogRatio()).as("ρ = 1, A = −0.5: gradient 0.5").isCloseTo(0.5, within(1e-12));
        assertThat(GroupMath.k3(-2, -2).value()).as("k3 = 0 where π = π_ref").isZero();
        assertThat(GroupMath.k3(-1, -2).value()).as("k3 at d = −1: e^−1 + 1 − 1").isCloseTo(Math.exp(-1), within(1e-12));
        assertThat(GroupMath.k3(-1, -2).gradLogProb()).as("∂k3/∂log π = 1 − e^d at d = −1").isCloseTo(1 - Math.exp(-1), within(1e-12));
        assertThat(GroupMath.k3(0, 1e-12).value()).as("tiny d: e^d − d − 1 ≈ d²/2, not lost to rounding").isCloseTo(0.5e-24, within(1e-27));
    }
}
