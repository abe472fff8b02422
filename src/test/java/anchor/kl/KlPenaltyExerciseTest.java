package anchor.kl;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercise 2.3. */
@Tag("exercise")
class KlPenaltyExerciseTest {
    @Test
    void perTokenMeanAndObjective() {
        double[] kl = KlPenalty.perToken(new double[]{-2.0, -0.25, -3.0}, new double[]{-2.5, -0.5, -1.0});
        assertThat(kl).containsExactly(0.5, 0.25, -2.0);
        assertThat(KlPenalty.mean(kl, null)).isCloseTo(-1.25 / 3, within(1e-12));
        assertThat(KlPenalty.mean(kl, new int[]{0, 1, 1})).isCloseTo(-0.875, within(1e-12));
        assertThat(KlPenalty.objective(1.0, 0.05, 2.0)).isCloseTo(0.9, within(1e-12));
        assertThat(KlPenalty.objective(1.0, 0.05, -2.0)).as("a negative summed KL raises the objective").isCloseTo(1.1, within(1e-12));
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> KlPenalty.perToken(new double[1], new double[2])).isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> KlPenalty.perToken(new double[]{Double.NaN}, new double[1])).isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> KlPenalty.objective(1, 0, 1)).isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> KlPenalty.mean(new double[]{1}, new int[]{0})).isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> KlPenalty.objective(1, Double.POSITIVE_INFINITY, 1)).as("β = ∞").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> KlPenalty.objective(1, Double.NaN, 1)).as("β = NaN").isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> KlPenalty.mean(new double[0], null)).as("no tokens").isInstanceOf(AnchorException.class);
    }
}
