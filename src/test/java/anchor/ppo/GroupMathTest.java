package anchor.ppo;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** RLOO's and GRPO's advantages and losses on numbers worked by hand; their gradients against central differences. */
class GroupMathTest {
    @Test
    void leaveOneOutSubtractsTheMeanOfTheOtherResponsesOfTheSamePrompt() {
        double[] a = GroupMath.leaveOneOut(new double[]{1, 2, 3, 10, 20, 30}, 3);
        // group 1: 1 − (2+3)/2, 2 − (1+3)/2, 3 − (1+2)/2; group 2 likewise, ten times larger
        assertThat(a).containsExactly(new double[]{-1.5, 0, 1.5, -15, 0, 15}, within(1e-12));
        assertThat(GroupMath.leaveOneOut(new double[]{4, 4, 4, 4}, 2)).as("equal rewards: no signal").containsOnly(0.0);
    }

    @Test
    void groupNormalizationUsesTheSampleStandardDeviationPlusTheTrlEpsilon() {
        double[] a = GroupMath.groupNormalized(new double[]{1, 2, 3, 5, 5, 5}, 3);
        double s = 1 + 1e-4;                                   // std of {1, 2, 3} with n − 1 is 1
        assertThat(a).containsExactly(new double[]{-1 / s, 0, 1 / s, 0, 0, 0}, within(1e-12));
    }

    @Test
    void groupsMustDivideTheBatchAndHoldTwoResponses() {
        assertThatThrownBy(() -> GroupMath.leaveOneOut(new double[5], 2)).isInstanceOf(AnchorException.class).hasMessageContaining("groups of 2");
        assertThatThrownBy(() -> GroupMath.groupNormalized(new double[3], 1)).isInstanceOf(AnchorException.class).hasMessageContaining("at least 2");
    }

    @Test
    void theClippedTermTakesThePessimisticBranch() {
        double eps = 0.2;
        // A > 0, ρ = 1.5: −1.5 vs −1.2 → −1.2, clipped, no gradient
        var up = GroupMath.clipped(Math.log(1.5), 1, eps);
        assertThat(up.loss()).isCloseTo(-1.2, within(1e-12));
        assertThat(up.clipped()).isTrue();
        assertThat(up.gradLogRatio()).isZero();
        // A > 0, ρ = 0.5: −0.5 vs −0.8 → −0.5, unclipped, ∂/∂log ρ = −A·ρ = −0.5
        var down = GroupMath.clipped(Math.log(0.5), 1, eps);
        assertThat(down.loss()).isCloseTo(-0.5, within(1e-12));
        assertThat(down.gradLogRatio()).isCloseTo(-0.5, within(1e-12));
        // A < 0, ρ = 1.5: 1.5 vs 1.2 → 1.5, unclipped; ρ = 0.5: 0.5 vs 0.8 → 0.8, clipped
        assertThat(GroupMath.clipped(Math.log(1.5), -1, eps).gradLogRatio()).isCloseTo(1.5, within(1e-12));
        assertThat(GroupMath.clipped(Math.log(0.5), -1, eps).clipped()).isTrue();
    }

    @Test
    void gradientsMatchCentralDifferences() {
        double h = 1e-6;
        for (double lr : new double[]{-0.5, -0.1, 0.05, 0.3}) {
            for (double adv : new double[]{-1.3, 0.7}) {
                double numeric = (GroupMath.clipped(lr + h, adv, 0.2).loss() - GroupMath.clipped(lr - h, adv, 0.2).loss()) / (2 * h);
                assertThat(GroupMath.clipped(lr, adv, 0.2).gradLogRatio()).as("clipped term at log ρ = " + lr + ", A = " + adv).isCloseTo(numeric, within(1e-6));
            }
        }
        for (double logp : new double[]{-3, -1.2, -0.4}) {
            double ref = -1.0;
            double numeric = (GroupMath.k3(logp + h, ref).value() - GroupMath.k3(logp - h, ref).value()) / (2 * h);
            assertThat(GroupMath.k3(logp, ref).gradLogProb()).as("k3 at log π = " + logp).isCloseTo(numeric, within(1e-6));
        }
        assertThat(GroupMath.k3(-2, -2).value()).as("k3 is 0 where π = π_ref").isZero();
        assertThat(GroupMath.k3(-1, -2).value()).as("and positive elsewhere").isPositive();
    }
}
