package anchor.dpo;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DpoLossTest {
    @Test
    void policyEqualToReferenceGivesLn2AndZeroRewardsExactly() {
        DpoLoss.Result r = DpoLoss.dpoLoss(-12.5, -9.25, -12.5, -9.25, 0.1);
        assertThat(r.loss()).isEqualTo(Math.log(2));
        assertThat(r.chosenReward()).isZero();
        assertThat(r.rejectedReward()).isZero();
        assertThat(r.gradPolicyChosen()).isEqualTo(-0.05);
    }

    @Test
    void handComputedValue() {
        // h = (−10 − −12) − (−11 − −10) = 2 − (−1) = 3; z = 0.5·3 = 1.5; L = log(1 + e^{−1.5})
        DpoLoss.Result r = DpoLoss.dpoLoss(-10, -11, -12, -10, 0.5);
        assertThat(r.loss()).isCloseTo(Math.log1p(Math.exp(-1.5)), within(1e-15));
        assertThat(r.chosenReward()).isEqualTo(1.0);
        assertThat(r.rejectedReward()).isEqualTo(-0.5);
        assertThat(r.margin()).isEqualTo(1.5);
    }

    @Test
    void gradientsMatchFiniteDifferencesForEveryVariant() {
        double eps = 1e-6;
        for (DpoLoss.Variant v : DpoLoss.Variant.values()) {
            double[] x = {-20.3, -18.1, -19.7, -18.9};
            DpoLoss.Result r = DpoLoss.of(v, x[0], x[1], x[2], x[3], 0.3, 0.1);
            double up = DpoLoss.of(v, x[0] + eps, x[1], x[2], x[3], 0.3, 0.1).loss(), down = DpoLoss.of(v, x[0] - eps, x[1], x[2], x[3], 0.3, 0.1).loss();
            assertThat(r.gradPolicyChosen()).as(v + " chosen").isCloseTo((up - down) / (2 * eps), within(1e-6));
            up = DpoLoss.of(v, x[0], x[1] + eps, x[2], x[3], 0.3, 0.1).loss();
            down = DpoLoss.of(v, x[0], x[1] - eps, x[2], x[3], 0.3, 0.1).loss();
            assertThat(r.gradPolicyRejected()).as(v + " rejected").isCloseTo((up - down) / (2 * eps), within(1e-6));
        }
    }

    @Test
    void stableForHugeMarginsAndReferenceFreeIgnoresTheReference() {
        assertThat(DpoLoss.dpoLoss(0, -1e6, 0, 0, 1).loss()).isZero();
        assertThat(DpoLoss.dpoLoss(-1e6, 0, 0, 0, 1).loss()).isEqualTo(1e6);
        assertThat(DpoLoss.of(DpoLoss.Variant.REFERENCE_FREE, -3, -4, -100, 50, 0.1, 0).loss())
                .isEqualTo(DpoLoss.dpoLoss(-3, -4, 0, 0, 0.1).loss());
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> DpoLoss.dpoLoss(-1, -1, -1, -1, 0)).isInstanceOf(AnchorException.class).hasMessageContaining("beta");
        assertThatThrownBy(() -> DpoLoss.dpoLoss(-1, -1, -1, -1, -0.1)).hasMessageContaining("beta");
        assertThatThrownBy(() -> DpoLoss.dpoLoss(Double.NaN, -1, -1, -1, 0.1)).hasMessageContaining("not finite");
        assertThatThrownBy(() -> DpoLoss.Variant.parse("kto")).hasMessageContaining("unknown DPO loss 'kto'");
    }
}
