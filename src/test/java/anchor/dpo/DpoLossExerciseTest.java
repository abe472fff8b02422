package anchor.dpo;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercise 4.1. */
@Tag("exercise")
class DpoLossExerciseTest {
    @Test
    void lossAndImplicitRewards() {
        DpoLoss.Result same = DpoLoss.dpoLoss(-7, -9, -7, -9, 0.1);
        assertThat(same.loss()).isCloseTo(Math.log(2), within(1e-15));
        assertThat(same.chosenReward()).isZero();
        DpoLoss.Result r = DpoLoss.dpoLoss(-10, -11, -12, -10, 0.5);
        assertThat(r.loss()).isCloseTo(0.20141327798275246, within(1e-12));   // log(1 + e^{-1.5})
        assertThat(r.chosenReward()).isEqualTo(1.0);
        assertThat(r.rejectedReward()).isEqualTo(-0.5);
        assertThat(r.gradPolicyChosen()).isCloseTo(-0.5 / (1 + Math.exp(1.5)), within(1e-12));
        assertThat(DpoLoss.dpoLoss(0, -1e6, 0, 0, 1).loss()).isZero();
        assertThatThrownBy(() -> DpoLoss.dpoLoss(-1, -1, -1, -1, 0)).isInstanceOf(AnchorException.class);
    }

    @Test
    void ipo() {
        // h = 3, β = 0.5: (3 − 1)² = 4, ∂L/∂πc = 2·(3 − 1) = 4
        DpoLoss.Result r = DpoLoss.of(DpoLoss.Variant.IPO, -10, -11, -12, -10, 0.5, 0);
        assertThat(r.loss()).isCloseTo(4.0, within(1e-12));
        assertThat(r.gradPolicyChosen()).isCloseTo(4.0, within(1e-12));
        assertThat(r.gradPolicyRejected()).isCloseTo(-4.0, within(1e-12));
    }
}
