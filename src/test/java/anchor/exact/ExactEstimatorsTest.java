package anchor.exact;

import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The estimators' exact moments: k1 and k3 unbiased when sampling from π, k2 not; nothing unbiased at T ≠ 1. */
class ExactEstimatorsTest {
    static final int[] PROMPT = {ExactDistributionTest.EOS};

    @Test
    void sampledFromThePolicyK1AndK3AreUnbiasedAndK2IsNot() {
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), 4);
        Gpt2Model pi = Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 21)), ref = Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 121));
        List<ExactEstimators.Moments> m = ExactEstimators.of(pi, ref, PROMPT, ys, 1.0);
        double kl = ExactDistribution.of(pi, PROMPT, ys, 1.0).klTo(ExactDistribution.of(ref, PROMPT, ys, 1.0)).kl();
        assertThat(m.get(0).kl()).isCloseTo(kl, within(1e-12));
        assertThat(m.get(0).bias()).as("k1").isCloseTo(0, within(1e-9));
        assertThat(m.get(2).bias()).as("k3: Σ_v π_ref(v | prefix) = 1 up to float32 rounding").isCloseTo(0, within(1e-5 * kl));
        assertThat(Math.abs(m.get(1).bias())).as("k2 is biased").isGreaterThan(1e-3 * kl);
        assertThat(m.get(2).sd()).as("k3's spread below k1's here").isLessThan(m.get(0).sd());
        assertThat(m.get(0).samplesFor(0.01)).isEqualTo((long) Math.ceil(Math.pow(m.get(0).sd() / 0.01, 2)));
    }

    @Test
    void againstItselfEveryEstimatorIsExactlyZeroAndAtAnotherTemperatureK1IsBiased() {
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), 4);
        Gpt2Model pi = Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 22)), ref = Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 122));
        for (ExactEstimators.Moments m : ExactEstimators.of(pi, pi, PROMPT, ys, 0.7)) {
            assertThat(m.mean()).as("%s of π against π", m.estimator()).isZero();
            assertThat(m.sd()).isZero();
        }
        List<ExactEstimators.Moments> hot = ExactEstimators.of(pi, ref, PROMPT, ys, 2.0);
        assertThat(Math.abs(hot.get(0).bias())).as("k1 on responses sampled at T = 2").isGreaterThan(1e-3);
    }

    @Test
    void anchorExactEstimatorsPrintsTheMomentsAndRefusesBadInput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var a = dir.resolve("a");
        var b = dir.resolve("b");
        anchor.checkpoint.HfCheckpoint.save(Gpt2Init.random(ExactDistributionTest.C, 21), a, anchor.safetensors.DType.F32);
        anchor.checkpoint.HfCheckpoint.save(Gpt2Init.random(ExactDistributionTest.C, 121), b, anchor.safetensors.DType.F32);
        var r = anchor.testing.Cli.run("exact", "estimators", "--json", "--policy", a.toString(), "--reference", b.toString());
        assertThat(r.code()).as(r.err()).isZero();
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.get("estimators")).hasSize(3);
        assertThat(j.get("estimators").get(0).get("estimator").asText()).isEqualTo("k1");
        assertThat(j.get("estimators").get(0).get("mean").asDouble()).as("k1 from π: the KL").isCloseTo(j.get("kl").asDouble(), within(1e-9));
        assertThat(anchor.testing.Cli.run("exact", "estimators", "--policy", a.toString(), "--reference", b.toString(), "--temperature", "-1").err()).contains("--temperature");
    }
}
