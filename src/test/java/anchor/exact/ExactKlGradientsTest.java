package anchor.exact;

import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** k1 in the reward is the true KL gradient, k1 in the loss no gradient, k2/k3 another divergence's. */
class ExactKlGradientsTest {
    @Test
    void k1InTheRewardIsTheTruthK1InTheLossIsNothingAndK3IsAnotherGradient() {
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), 3);
        Gpt2Model pi = Gpt2Model.of(Gpt2Init.random(ExactDistributionTest.C, 31)), ref = Gpt2Model.frozen(Gpt2Init.random(ExactDistributionTest.C, 131));
        ExactKlGradients.Result r = ExactKlGradients.of(pi, ref, new int[]{ExactDistributionTest.EOS}, ys);
        assertThat(r.trueNorm()).isPositive();
        ExactKlGradients.Row k1Reward = find(r, ExactEstimators.Estimator.K1, ExactKlGradients.Placement.REWARD);
        ExactKlGradients.Row k1Loss = find(r, ExactEstimators.Estimator.K1, ExactKlGradients.Placement.LOSS);
        ExactKlGradients.Row k3Loss = find(r, ExactEstimators.Estimator.K3, ExactKlGradients.Placement.LOSS);
        ExactKlGradients.Row k3Reward = find(r, ExactEstimators.Estimator.K3, ExactKlGradients.Placement.REWARD);
        assertThat(k1Reward.relativeError()).as("k1 in the reward: the truth").isLessThan(1e-9);
        assertThat(k1Loss.norm() / r.trueNorm()).as("k1 in the loss: E_π[∇log π] = ∇Σπ = 0, up to float32 rounding").isLessThan(1e-3);
        assertThat(k3Loss.relativeError()).as("k3 in the loss: another divergence's gradient").isGreaterThan(1e-3);
        assertThat(k3Reward.relativeError()).as("k3 in the reward").isGreaterThan(1e-3);
        assertThat(r.rows()).hasSize(6);
    }

    @Test
    void anchorExactKlGradientsPrintsSixRows(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var a = dir.resolve("a");
        var b = dir.resolve("b");
        anchor.checkpoint.HfCheckpoint.save(Gpt2Init.random(ExactDistributionTest.C, 31), a, anchor.safetensors.DType.F32);
        anchor.checkpoint.HfCheckpoint.save(Gpt2Init.random(ExactDistributionTest.C, 131), b, anchor.safetensors.DType.F32);
        var r = anchor.testing.Cli.run("exact", "kl-gradients", "--json", "--max-len", "3", "--policy", a.toString(), "--reference", b.toString());
        assertThat(r.code()).as(r.err()).isZero();
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.get("gradients")).hasSize(6);
        assertThat(j.get("gradients").get(0).get("cosine").asDouble()).as("k1 in the reward").isGreaterThan(0.999999);
    }

    private static ExactKlGradients.Row find(ExactKlGradients.Result r, ExactEstimators.Estimator e, ExactKlGradients.Placement p) {
        return r.rows().stream().filter(x -> x.estimator() == e && x.placement() == p).findFirst().orElseThrow();
    }
}
