package anchor.world;

import anchor.data.PreferencePair;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A statistic that cannot be computed is NaN (the command then says why), never a number such as 0. */
class RewardReportTest {
    @Test
    void goldAccuracyCountsTiesAsHalfAndIsNotAvailableWithoutGold() {
        var right = new PreferencePair("p", "a", "b", 1, 0);
        var wrong = new PreferencePair("p", "a", "b", 0, 1);
        var tie = new PreferencePair("p", "a", "b", 0.5, 0.5);
        assertThat(RewardReport.goldAccuracy(List.of(right, wrong, tie, right))).isEqualTo(2.5 / 4);
        assertThat(RewardReport.goldAccuracy(List.of(right, new PreferencePair("p", "a", "b")))).as("a file without gold fields").isNaN();
    }

    @Test
    void pearsonIsUndefinedForAConstant() {
        assertThat(RewardReport.pearson(new double[]{1, 2, 3}, new double[]{2, 4, 7})).isCloseTo(0.9934, within(1e-4));
        assertThat(RewardReport.pearson(new double[]{1, 2}, new double[]{5, 5})).as("constant gold").isNaN();
        assertThat(RewardReport.pearson(new double[]{3, 3}, new double[]{1, 2})).as("constant scores").isNaN();
    }
}
