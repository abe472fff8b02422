package anchor.kl;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exercise 2.4. Expected values computed once with Python's math.expm1 and stored. */
@Tag("exercise")
class KlEstimatorsExerciseTest {
    static final double[] L = {-2, -0.5, 0, 0.3, 1.5, 4};
    static final double[] K3 = {4.38905609893065, 0.1487212707001282, 0.0, 0.040818220681717865, 0.7231301601484298, 3.018315638888734};

    @Test
    void k3Values() {
        for (int i = 0; i < L.length; i++) assertThat(KlEstimators.Estimator.K3.of(L[i])).as("k3(%s)", L[i]).isCloseTo(K3[i], within(1e-12));
    }

    @Test
    void k3IsNeverNegativeAndAccurateNearZero() {
        for (double l = -5; l <= 5; l += 0.01) assertThat(KlEstimators.Estimator.K3.of(l)).isGreaterThanOrEqualTo(0);
        assertThat(KlEstimators.Estimator.K3.of(1e-6)).isCloseTo(0.5e-12, within(1e-17));
    }
}
