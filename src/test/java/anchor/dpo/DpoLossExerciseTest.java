package anchor.dpo;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Exercise 4.1: every variant and every clause of {@code DpoLoss.of}'s contract, each assertion labelled. Expected
 * values are written out from the contract's formulas here, with h = (πc − rc) − (πr − rr) and z = β·h.
 */
@Tag("exercise")
class DpoLossExerciseTest {
    static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void lossAndImplicitRewards() {
        DpoLoss.Result same = DpoLoss.dpoLoss(-7, -9, -7, -9, 0.1);
        assertThat(same.loss()).as("policy = reference: h = 0, loss = log 2").isCloseTo(Math.log(2), within(1e-15));
        assertThat(same.chosenReward()).as("policy = reference: chosen reward β(πc − rc) = 0").isZero();
        // πc − rc = 2, πr − rr = −1: h = 3, β = 0.5, z = 1.5
        DpoLoss.Result r = DpoLoss.dpoLoss(-10, -11, -12, -10, 0.5);
        assertThat(r.loss()).as("SIGMOID loss −log σ(1.5) = log(1 + e^−1.5)").isCloseTo(Math.log1p(Math.exp(-1.5)), within(1e-12));
        assertThat(r.chosenReward()).as("chosen reward β(πc − rc) = 0.5·2").isEqualTo(1.0);
        assertThat(r.rejectedReward()).as("rejected reward β(πr − rr) = 0.5·(−1)").isEqualTo(-0.5);
        assertThat(r.margin()).as("margin = chosen − rejected reward = z").isCloseTo(1.5, within(1e-15));
        assertThat(r.gradPolicyChosen()).as("∂L/∂πc = −β σ(−z)").isCloseTo(-0.5 * sig(-1.5), within(1e-12));
        assertThat(r.gradPolicyRejected()).as("∂L/∂πr = +β σ(−z)").isCloseTo(0.5 * sig(-1.5), within(1e-12));
    }

    @Test
    void theSigmoidLossIsStableWhereANaiveLogOfSigmoidIsNot() {
        assertThat(DpoLoss.dpoLoss(0, -1e6, 0, 0, 1).loss()).as("z = 10⁶: the loss underflows to exactly 0").isZero();
        assertThat(DpoLoss.dpoLoss(-1000, 0, 0, 0, 1).loss()).as("z = −1000: −log σ(−1000) = 1000 (log(sigmoid) gives ∞)")
                .isCloseTo(1000, within(1e-9));
    }

    @Test
    void cdpoMixesBothLabelsWithWeightEpsilon() {
        double z = 1.5, eps = 0.1;
        DpoLoss.Result r = DpoLoss.of(DpoLoss.Variant.CDPO, -10, -11, -12, -10, 0.5, eps);
        assertThat(r.loss()).as("CDPO loss −(1−ε) log σ(z) − ε log σ(−z)")
                .isCloseTo(-(1 - eps) * Math.log(sig(z)) - eps * Math.log(sig(-z)), within(1e-12));
        assertThat(r.gradPolicyChosen()).as("CDPO ∂L/∂πc = β(−(1−ε) σ(−z) + ε σ(z))")
                .isCloseTo(0.5 * (-(1 - eps) * sig(-z) + eps * sig(z)), within(1e-12));
        assertThat(r.gradPolicyRejected()).as("CDPO ∂L/∂πr = −∂L/∂πc").isCloseTo(-r.gradPolicyChosen(), within(1e-15));
        DpoLoss.Result zero = DpoLoss.of(DpoLoss.Variant.CDPO, -10, -11, -12, -10, 0.5, 0);
        assertThat(zero.loss()).as("CDPO with ε = 0 is SIGMOID").isCloseTo(DpoLoss.dpoLoss(-10, -11, -12, -10, 0.5).loss(), within(1e-15));
    }

    @Test
    void ipoAndTheRewardsAtAnotherBeta() {
        // πc − rc = 2, πr − rr = −3: h = 5; β = 0.25: 1/(2β) = 2, so (h − 2)² = 9 and ∂L/∂πc = 2·3 = 6
        DpoLoss.Result r = DpoLoss.of(DpoLoss.Variant.IPO, -10, -13, -12, -10, 0.25, 0);
        assertThat(r.loss()).as("IPO at β = 0.25: (5 − 1/(2·0.25))²").isCloseTo(9.0, within(1e-12));
        assertThat(r.gradPolicyChosen()).as("IPO at β = 0.25: ∂L/∂πc").isCloseTo(6.0, within(1e-12));
        assertThat(r.chosenReward()).as("chosen reward 0.25·2").isCloseTo(0.5, within(1e-15));
        assertThat(r.rejectedReward()).as("rejected reward 0.25·(−3)").isCloseTo(-0.75, within(1e-15));
    }

    @Test
    void ipo() {
        // h = 3, β = 0.5: (h − 1/(2β))² = (3 − 1)² = 4, ∂L/∂πc = 2·(3 − 1) = 4
        DpoLoss.Result r = DpoLoss.of(DpoLoss.Variant.IPO, -10, -11, -12, -10, 0.5, 0);
        assertThat(r.loss()).as("IPO loss (h − 1/(2β))²").isCloseTo(4.0, within(1e-12));
        assertThat(r.gradPolicyChosen()).as("IPO ∂L/∂πc = 2(h − 1/(2β))").isCloseTo(4.0, within(1e-12));
        assertThat(r.gradPolicyRejected()).as("IPO ∂L/∂πr = −2(h − 1/(2β))").isCloseTo(-4.0, within(1e-12));
        assertThat(r.chosenReward()).as("IPO rewards are DPO's: β(πc − rc)").isEqualTo(1.0);
    }

    @Test
    void hingeIsOnZNotOnH() {
        // β = 0.5, h = 1: z = 0.5 < 1, loss 1 − z = 0.5 (a hinge on h would give 0)
        DpoLoss.Result in = DpoLoss.of(DpoLoss.Variant.HINGE, -10, -11, -10, -10, 0.5, 0);
        assertThat(in.loss()).as("HINGE loss max(0, 1 − z) with z = β·h = 0.5").isCloseTo(0.5, within(1e-15));
        assertThat(in.gradPolicyChosen()).as("HINGE ∂L/∂πc = −β inside the margin").isCloseTo(-0.5, within(1e-15));
        assertThat(in.gradPolicyRejected()).as("HINGE ∂L/∂πr = +β inside the margin").isCloseTo(0.5, within(1e-15));
        // h = 3: z = 1.5 > 1, outside the margin
        DpoLoss.Result out = DpoLoss.of(DpoLoss.Variant.HINGE, -10, -11, -12, -10, 0.5, 0);
        assertThat(out.loss()).as("HINGE loss 0 beyond the margin").isZero();
        assertThat(out.gradPolicyChosen()).as("HINGE gradient 0 beyond the margin").isZero();
    }

    @Test
    void theReferenceFreeLossIgnoresTheReference() {
        DpoLoss.Result a = DpoLoss.of(DpoLoss.Variant.REFERENCE_FREE, -10, -11, -12, -10, 0.5, 0);
        DpoLoss.Result b = DpoLoss.of(DpoLoss.Variant.REFERENCE_FREE, -10, -11, -3, -40, 0.5, 0);
        assertThat(a.loss()).as("REFERENCE_FREE: the same loss whatever rc and rr are").isEqualTo(b.loss());
        assertThat(a.loss()).as("REFERENCE_FREE = SIGMOID with rc = rr = 0: −log σ(β(πc − πr))").isCloseTo(-Math.log(sig(0.5 * (-10 + 11))), within(1e-12));
        assertThat(a.chosenReward()).as("REFERENCE_FREE chosen reward β·πc (reference zeroed)").isEqualTo(-5.0);
        assertThat(a.gradPolicyChosen()).as("REFERENCE_FREE ∂L/∂πc = −β σ(−β(πc − πr))").isCloseTo(-0.5 * sig(-0.5), within(1e-12));
    }

    @Test
    void badInputIsRefused() {
        for (double beta : new double[]{0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> DpoLoss.dpoLoss(-1, -1, -1, -1, beta)).as("β = %s", beta).isInstanceOf(AnchorException.class);
        }
        for (double eps : new double[]{-0.1, 0.5, Double.NaN}) {
            assertThatThrownBy(() -> DpoLoss.of(DpoLoss.Variant.CDPO, -1, -2, -1, -1, 0.1, eps)).as("ε = %s", eps).isInstanceOf(AnchorException.class);
        }
        assertThatThrownBy(() -> DpoLoss.dpoLoss(Double.NEGATIVE_INFINITY, -1, -1, -1, 0.1)).as("a log-prob of −∞").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> DpoLoss.dpoLoss(-1, -1, Double.NaN, -1, 0.1)).as("a reference log-prob of NaN").isInstanceOf(AnchorException.class);
    }
}
