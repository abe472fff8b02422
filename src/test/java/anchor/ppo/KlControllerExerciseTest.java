package anchor.ppo;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exercise 6.3. */
@Tag("exercise")
class KlControllerExerciseTest {
    @Test
    void adaptiveBetaFollowsZieglersRuleAndFixedBetaStays() {
        KlController c = KlController.adaptive(0.1, 6.0, 1000);
        c.update(7.5, 100);   // 25 % over target, clipped to 20 %, times 100/1000
        assertThat(c.beta()).as("over the target: β grows, the error clipped at +0.2").isCloseTo(0.1 * 1.02, within(1e-15));
        c.update(5.4, 100);   // 10 % under
        assertThat(c.beta()).as("under the target: β shrinks").isCloseTo(0.1 * 1.02 * 0.99, within(1e-15));
        KlController f = KlController.fixed(0.05);
        f.update(100, 1000);
        assertThat(f.beta()).as("a fixed β never moves").isEqualTo(0.05);
    }
}
