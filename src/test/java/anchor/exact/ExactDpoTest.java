package anchor.exact;

import anchor.gpt2.Gpt2Init;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DPO on Bradley–Terry pairs of the world's reward moves toward π*, measured exactly. */
class ExactDpoTest {
    @Test
    void dpoApproachesTheOptimumOfItsOwnBeta() {
        var s = ExactDpo.Settings.DEFAULTS.withSteps(120);
        List<ExactDpo.Point> points = ExactDpo.run(Gpt2Init.random(ExactDistributionTest.C, 1), ExactReward.DEFAULT, s);
        points.forEach(p -> System.out.printf("step %3d  KL(π‖π*) %.5f  KL(π‖π_ref) %.5f  J %.5f%n", p.step(), p.klToOptimum(), p.klToReference(), p.objective()));
        ExactDpo.Point first = points.get(0), last = points.get(points.size() - 1);
        assertThat(first.step()).isZero();
        assertThat(first.klToReference()).as("the policy starts as the reference").isZero();
        assertThat(last.step()).isEqualTo(120);
        assertThat(last.klToOptimum()).as("closer to π* than the reference was").isLessThan(0.5 * first.klToOptimum());
        assertThat(last.objective()).isGreaterThan(first.objective());
    }

    @Test
    void anchorExactDpoRefusesBadInputInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var a = dir.resolve("a");
        anchor.checkpoint.HfCheckpoint.save(Gpt2Init.random(ExactDistributionTest.C, 1), a, anchor.safetensors.DType.F32);
        var r = anchor.testing.Cli.run("exact", "dpo", "--json", "--reference", a.toString(), "--steps", "4", "--every", "2", "--pairs", "32");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("points")).hasSize(3);
        assertThat(anchor.testing.Cli.run("exact", "dpo", "--reference", a.toString(), "--pairs", "0").err()).contains("--pairs");
        assertThat(anchor.testing.Cli.run("exact", "dpo", "--reference", a.toString(), "--beta", "0").code()).isEqualTo(2);
    }
}
