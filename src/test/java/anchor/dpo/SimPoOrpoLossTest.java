package anchor.dpo;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** SimPO's and ORPO's losses against hand-computed values, and their gradients against central differences. */
class SimPoOrpoLossTest {
    @Test
    void simPoByHand() {
        // m_w = −1, m_l = −2, β = 2, γ = 0.5: z = 2·1 − 0.5 = 1.5, L = log(1 + e^{−1.5}) = 0.2014132779827524
        SimPoLoss.Result r = SimPoLoss.of(-1, -2, 2, 0.5);
        assertThat(r.margin()).isEqualTo(1.5);
        assertThat(r.loss()).isCloseTo(0.2014132779827524, within(1e-15));
        assertThat(r.gradMeanChosen()).as("−β·σ(−z) = −2/(1 + e^{1.5})").isCloseTo(-2 / (1 + Math.exp(1.5)), within(1e-15));
        assertThat(r.gradMeanRejected()).isEqualTo(-r.gradMeanChosen());
        assertThat(SimPoLoss.of(-1, -1, 2, 0).loss()).as("no margin: log 2").isCloseTo(Math.log(2), within(1e-15));
        double h = 1e-6;
        assertThat(r.gradMeanChosen()).isCloseTo((SimPoLoss.of(-1 + h, -2, 2, 0.5).loss() - SimPoLoss.of(-1 - h, -2, 2, 0.5).loss()) / (2 * h), within(1e-8));
        assertThat(r.gradMeanRejected()).isCloseTo((SimPoLoss.of(-1, -2 + h, 2, 0.5).loss() - SimPoLoss.of(-1, -2 - h, 2, 0.5).loss()) / (2 * h), within(1e-8));
        assertThatThrownBy(() -> SimPoLoss.of(-1, -2, 0, 0.5)).isInstanceOf(AnchorException.class).hasMessageContaining("beta");
    }

    @Test
    void orpoByHand() {
        // m_w = log 0.5, m_l = log 0.25: odds 1 and 1/3, o = log 3; L = −log 0.5 − λ·log σ(log 3) = log 2 − λ·log(3/4)
        double mw = Math.log(0.5), ml = Math.log(0.25), lambda = 0.1;
        OrpoLoss.Result r = OrpoLoss.of(mw, ml, lambda);
        assertThat(r.logOddsRatio()).isCloseTo(Math.log(3), within(1e-15));
        assertThat(r.nll()).isCloseTo(Math.log(2), within(1e-15));
        assertThat(r.loss()).isCloseTo(Math.log(2) - lambda * Math.log(0.75), within(1e-15));
        // ∂L/∂m_w = −1 − λ·σ(−log 3)/(1 − 0.5) = −1 − 0.1·0.25·2 = −1.05;  ∂L/∂m_l = λ·0.25/(1 − 0.25) = 0.1/3
        assertThat(r.gradMeanChosen()).isCloseTo(-1.05, within(1e-15));
        assertThat(r.gradMeanRejected()).isCloseTo(0.1 / 3, within(1e-15));
        double h = 1e-6;
        assertThat(r.gradMeanChosen()).isCloseTo((OrpoLoss.of(mw + h, ml, lambda).loss() - OrpoLoss.of(mw - h, ml, lambda).loss()) / (2 * h), within(1e-8));
        assertThat(r.gradMeanRejected()).isCloseTo((OrpoLoss.of(mw, ml + h, lambda).loss() - OrpoLoss.of(mw, ml - h, lambda).loss()) / (2 * h), within(1e-8));
        assertThat(OrpoLoss.of(mw, ml, 0).loss()).as("λ = 0: SFT on y_w alone").isEqualTo(r.nll());
        assertThat(OrpoLoss.logOdds(-1e-12)).as("p near 1: large, finite").isGreaterThan(25).isFinite();
        assertThatThrownBy(() -> OrpoLoss.of(0, ml, lambda)).isInstanceOf(AnchorException.class).hasMessageContaining("below 0");
    }
}
