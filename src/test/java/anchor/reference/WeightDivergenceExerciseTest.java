package anchor.reference;

import anchor.gpt2.Gpt2Weights;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exercise 2.5. */
@Tag("exercise")
class WeightDivergenceExerciseTest {
    @Test
    void zeroForACopyAndASumOfNormsOtherwise() {
        Gpt2Weights ref = TestModels.allRandom(TestModels.tiny(), 1), policy = TestModels.allRandom(TestModels.tiny(), 1);
        assertThat(WeightDivergence.between(policy, ref).absolute()).isZero();
        assertThat(WeightDivergence.between(policy, ref).relative()).isZero();
        policy.get("ln_f.bias")[0] += 3;
        policy.get("h.1.mlp.c_fc.weight")[7] -= 4;
        WeightDivergence d = WeightDivergence.between(policy, ref);
        assertThat(d.absolute()).isCloseTo(7.0, within(1e-5));
        double norms = 0;
        for (var t : ref.tensors().values()) {
            double s = 0;
            for (float v : t.data()) s += (double) v * v;
            norms += Math.sqrt(s);
        }
        assertThat(d.relative()).isCloseTo(7.0 / (norms + 1e-8), within(1e-9));
    }
}
