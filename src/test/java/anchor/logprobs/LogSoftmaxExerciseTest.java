package anchor.logprobs;

import anchor.AnchorException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercise 2.6: log softmax(z / T), expected values written out by hand. */
@Tag("exercise")
class LogSoftmaxExerciseTest {
    static double logSumExp(double... z) {
        double s = 0;
        for (double v : z) s += Math.exp(v);
        return Math.log(s);
    }

    @Test
    void temperatureDividesEveryLogitNotOnlyTheTarget() {
        double[] z = {1, 2, 3};
        assertThat(LogSoftmax.at(z, 0, 3, 2, 1.0)).as("T = 1").isCloseTo(3 - logSumExp(1, 2, 3), within(1e-12));
        assertThat(LogSoftmax.at(z, 0, 3, 0, 0.5)).as("T = 0.5: softmax(2, 4, 6)[0]").isCloseTo(2 - logSumExp(2, 4, 6), within(1e-12));
        assertThat(LogSoftmax.at(z, 0, 3, 1, 0.7)).as("T = 0.7").isCloseTo(2 / 0.7 - logSumExp(1 / 0.7, 2 / 0.7, 3 / 0.7), within(1e-12));
        assertThat(LogSoftmax.at(z, 0, 3, 0, 2.0)).as("T = 2 flattens").isCloseTo(0.5 - logSumExp(0.5, 1, 1.5), within(1e-12));
        assertThat(LogSoftmax.at(z, 0, 3, 2, 1.0)).as("the 4-argument form is T = 1").isEqualTo(LogSoftmax.at(z, 0, 3, 2));
    }

    @Test
    void theRowStartsAtOffset() {
        double[] flat = {9, 9, /* row */ 1, 2, 3, /* next row */ 40, -40};
        assertThat(LogSoftmax.at(flat, 2, 3, 0, 2.0)).as("row (1, 2, 3) at offset 2, T = 2").isCloseTo(0.5 - logSumExp(0.5, 1, 1.5), within(1e-12));
        assertThat(LogSoftmax.at(flat, 5, 2, 1, 1.0)).as("the last row").isCloseTo(-80 - Math.log1p(Math.exp(-80)), within(1e-9));
    }

    @Test
    void stableForHugeLogitsAtAnyTemperature() {
        double[] z = {3e38, 0, -3e38};
        assertThat(LogSoftmax.at(z, 0, 3, 0, 0.7)).as("the max token").isCloseTo(0.0, within(1e-12));
        assertThat(LogSoftmax.at(z, 0, 3, 1, 0.7)).as("3e38 below the max, at T = 0.7").isCloseTo(-3e38 / 0.7, within(1e32));
        assertThat(LogSoftmax.at(new double[]{1000, 1000}, 0, 2, 1, 0.1)).as("a tie, T = 0.1").isCloseTo(Math.log(0.5), within(1e-12));
    }

    @Test
    void aTemperatureThatIsNotAPositiveFiniteNumberIsRefused() {
        double[] z = {0, 1};
        for (double t : new double[]{0, -0.7, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> LogSoftmax.at(z, 0, 2, 0, t)).as("T = " + t).isInstanceOf(AnchorException.class);
        }
    }

    @Test
    void theLogSigmoidIsTheTwoClassLogSoftmaxAndStableWhereALogOfSigmoidIsNot() {
        assertThat(LogSoftmax.logSigmoid(-800)).as("log σ(−800) = −800 (log(sigmoid) gives −∞)").isCloseTo(-800, within(1e-9));
        assertThat(LogSoftmax.logSigmoid(40)).as("log σ(40) = −e^−40 ≈ −4.2e−18 (log(sigmoid) rounds it to 0)")
                .isCloseTo(-Math.exp(-40), within(1e-30));
        assertThat(LogSoftmax.logSigmoid(0)).as("log σ(0) = −log 2").isCloseTo(-Math.log(2), within(1e-15));
        assertThat(LogSoftmax.logSigmoid(1.5)).as("log σ(1.5) = log softmax(1.5, 0)₀").isCloseTo(1.5 - logSumExp(1.5, 0), within(1e-15));
        assertThat(LogSoftmax.logSigmoid(-2)).as("log σ(−2) = −2 − log(1 + e^−2)").isCloseTo(-2 - Math.log1p(Math.exp(-2)), within(1e-15));
        assertThat(LogSoftmax.logSigmoid(700)).as("log σ(700) = −e^−700, never positive").isLessThanOrEqualTo(0).isCloseTo(0, within(1e-300));
    }
}
