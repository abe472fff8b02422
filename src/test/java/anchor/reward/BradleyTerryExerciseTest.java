package anchor.reward;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercise 6.5: the Bradley–Terry pair loss with margin and centering, values worked out by hand. */
@Tag("exercise")
class BradleyTerryExerciseTest {
    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void lossAndGradientsWithoutMarginOrCentering() {
        var r = BradleyTerry.of(1.5, -0.5, 0, 0);                                  // d = 2
        assertThat(r.loss()).as("−log σ(2)").isCloseTo(Math.log1p(Math.exp(-2)), within(1e-12));
        assertThat(r.gradChosen()).as("∂L/∂r_c = −σ(−2)").isCloseTo(-sigmoid(-2), within(1e-12));
        assertThat(r.gradRejected()).as("∂L/∂r_r = +σ(−2)").isCloseTo(sigmoid(-2), within(1e-12));
        var wrong = BradleyTerry.of(-0.5, 1.5, 0, 0);                              // the rejected one scores higher: d = −2
        assertThat(wrong.loss()).as("−log σ(−2)").isCloseTo(2 + Math.log1p(Math.exp(-2)), within(1e-12));
        assertThat(wrong.gradChosen()).as("∂L/∂r_c = −σ(2)").isCloseTo(-sigmoid(2), within(1e-12));
    }

    @Test
    void theMarginIsSubtractedFromTheDifference() {
        var r = BradleyTerry.of(1.5, -0.5, 0.5, 0);                                // d = 2 − 0.5 = 1.5
        assertThat(r.loss()).as("margin 0.5: −log σ(1.5)").isCloseTo(Math.log1p(Math.exp(-1.5)), within(1e-12));
        assertThat(r.gradChosen()).as("margin 0.5: −σ(−1.5)").isCloseTo(-sigmoid(-1.5), within(1e-12));
        assertThat(r.gradRejected()).as("margin 0.5: +σ(−1.5)").isCloseTo(sigmoid(-1.5), within(1e-12));
        assertThat(BradleyTerry.of(1, 0, -1, 0).loss()).as("a negative margin: −log σ(2)").isCloseTo(Math.log1p(Math.exp(-2)), within(1e-12));
    }

    @Test
    void theCenteringTermPenalisesTheSumOfTheScores() {
        var r = BradleyTerry.of(1.5, 0.5, 0.5, 0.1);                               // d = 0.5, sum = 2
        assertThat(r.loss()).as("−log σ(0.5) + 0.1·2²").isCloseTo(Math.log1p(Math.exp(-0.5)) + 0.4, within(1e-12));
        assertThat(r.gradChosen()).as("−σ(−0.5) + 2·0.1·2").isCloseTo(-sigmoid(-0.5) + 0.4, within(1e-12));
        assertThat(r.gradRejected()).as("σ(−0.5) + 2·0.1·2").isCloseTo(sigmoid(-0.5) + 0.4, within(1e-12));
        double eps = 1e-6;
        assertThat(r.gradChosen()).as("∂L/∂r_c by finite differences")
                .isCloseTo((BradleyTerry.of(1.5 + eps, 0.5, 0.5, 0.1).loss() - BradleyTerry.of(1.5 - eps, 0.5, 0.5, 0.1).loss()) / (2 * eps), within(1e-7));
        assertThat(r.gradRejected()).as("∂L/∂r_r by finite differences")
                .isCloseTo((BradleyTerry.of(1.5, 0.5 + eps, 0.5, 0.1).loss() - BradleyTerry.of(1.5, 0.5 - eps, 0.5, 0.1).loss()) / (2 * eps), within(1e-7));
    }

    @Test
    void stableFarOutInBothDirections() {
        assertThat(BradleyTerry.of(800, -800, 0, 0).loss()).as("d = 1600").isCloseTo(0.0, within(1e-300));
        var bad = BradleyTerry.of(-800, 800, 0, 0);
        assertThat(bad.loss()).as("d = −1600: the loss is 1600, not ∞").isCloseTo(1600, within(1e-9));
        assertThat(bad.gradChosen()).as("d = −1600: ∂L/∂r_c = −1").isCloseTo(-1, within(1e-12));
        assertThat(bad.gradRejected()).as("d = −1600: ∂L/∂r_r = 1").isCloseTo(1, within(1e-12));
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> BradleyTerry.of(Double.NaN, 0, 0, 0)).as("a NaN reward").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> BradleyTerry.of(0, Double.POSITIVE_INFINITY, 0, 0)).as("an infinite reward").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> BradleyTerry.of(0, 0, 0, -0.1)).as("c < 0").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> BradleyTerry.of(0, 0, 0, Double.NaN)).as("c = NaN").isInstanceOf(AnchorException.class);
    }
}
