package anchor.exact;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.PlainGpt2;
import anchor.safetensors.DType;
import anchor.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The exact world's sums against an independent float64 walk of the response tree (PlainGpt2, no ND4J). */
class ExactDistributionTest {
    static final Gpt2Config C = Gpt2Config.preset("gpt2-exact");      // 5 ordinary tokens + <|endoftext|> (id 5)
    static final int EOS = 5;

    @Test
    void everyResponseIsListedOnceEndingAtItsEosOrCutAtL() {
        List<int[]> ys = Responses.all(3, 2);                             // ordinary tokens 0, 1; EOS 2
        assertThat(ys).containsExactly(new int[]{2}, new int[]{0, 2}, new int[]{1, 2}, new int[]{0, 0}, new int[]{0, 1}, new int[]{1, 0}, new int[]{1, 1});
        assertThat(Responses.count(5, 4)).isEqualTo(1 + 5 + 25 + 125 + 625).isEqualTo(Responses.all(6, 4).size());
        Set<String> distinct = new HashSet<>();
        for (int[] y : Responses.all(6, 4)) {
            assertThat(distinct.add(java.util.Arrays.toString(y))).isTrue();
            for (int t = 0; t + 1 < y.length; t++) assertThat(y[t]).as("no EOS before the last token").isNotEqualTo(EOS);
        }
        assertThatThrownBy(() -> Responses.all(6, 0)).isInstanceOf(AnchorException.class).hasMessageContaining("--max-len");
        assertThatThrownBy(() -> Responses.all(50257, 3)).isInstanceOf(AnchorException.class).hasMessageContaining("more than");
    }

    /** Σ π = 1, KL(π ‖ π) = 0, KL ≥ 0, and the KL of the graph's enumeration equal to a float64 tree walk within 1e-5 relative. */
    @Test
    void theExactKlIsTheIndependentFloat64SumOnRandomModels() {
        int[] prompt = {EOS};
        for (double temperature : new double[]{1.0, 0.7}) {
            for (long seed : new long[]{1, 2, 3}) {
                Gpt2Weights wp = Gpt2Init.random(C, seed), wr = Gpt2Init.random(C, seed + 100);
                List<int[]> ys = Responses.all(C.vocabSize(), 4);
                ExactDistribution p = ExactDistribution.of(Gpt2Model.frozen(wp), prompt, ys, temperature);
                ExactDistribution r = ExactDistribution.of(Gpt2Model.frozen(wr), prompt, ys, temperature);
                ExactDistribution.Kl kl = p.klTo(r);
                assertThat(kl.responses()).isEqualTo(781);
                assertThat(kl.totalProbability()).as("Σ_y π(y)").isCloseTo(1, within(1e-6));
                assertThat(p.klTo(p).kl()).as("KL(π ‖ π)").isZero();
                double expected = treeKl(new PlainGpt2(wp), new PlainGpt2(wr), prompt, 4, temperature);
                assertThat(expected).as("KL ≥ 0").isPositive();
                assertThat(kl.kl()).as("seed %d, T = %s: expected %.9f", seed, temperature, expected).isCloseTo(expected, within(1e-5 * expected));
            }
        }
    }

    /** Σ over the leaves of the tree of continuations of π(y)·log(π(y)/π_ref(y)), walked depth first in float64. */
    static double treeKl(PlainGpt2 policy, PlainGpt2 reference, int[] prefix, int left, double temperature) {
        return TreeWalk.sum(policy, reference, prefix, left, temperature, (y, lp, lr) -> Math.exp(lp) * (lp - lr));
    }

    @Test
    void anchorExactKlPrintsTheSumItsResponsesAndTheirTotalProbability(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        HfCheckpoint.save(Gpt2Init.random(C, 1), a, DType.F32);
        HfCheckpoint.save(Gpt2Init.random(C, 101), b, DType.F32);
        Cli.Result r = Cli.run("exact", "kl", "--json", "--policy", a.toString(), "--reference", b.toString(), "--max-len", "4");
        assertThat(r.code()).as(r.err()).isZero();
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.get("responses").asInt()).isEqualTo(781);
        assertThat(j.get("total_probability").asDouble()).isCloseTo(1, within(1e-6));
        double expected = treeKl(new PlainGpt2(HfCheckpoint.load(a)), new PlainGpt2(HfCheckpoint.load(b)), new int[]{EOS}, 4, 1.0);
        assertThat(j.get("kl").asDouble()).isCloseTo(expected, within(1e-5 * expected));
        Cli.Result same = Cli.run("exact", "kl", "--policy", a.toString(), "--reference", a.toString());
        assertThat(same.out()).startsWith("KL(policy || reference) = 0.000000000 nats per response, summed over all 781 responses");
        assertThat(Cli.run("exact", "kl", "--policy", a.toString(), "--reference", b.toString(), "--max-len", "0").code()).isEqualTo(2);
        assertThat(Cli.run("exact", "kl", "--policy", a.toString(), "--reference", b.toString(), "--max-len", "9").err()).contains("do not fit the model's 8 positions");
        assertThat(Cli.run("exact", "kl", "--policy", a.toString(), "--reference", b.toString(), "--prompt", "6").err()).contains("outside the vocabulary");
        assertThat(Cli.run("exact", "kl", "--policy", a.toString(), "--reference", b.toString(), "--temperature", "0").err()).contains("--temperature");
    }

    @Test
    void anchorExactOptimumAndBestOfNPrintTheirSums(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        HfCheckpoint.save(Gpt2Init.random(C, 1), a, DType.F32);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Cli.Result opt = Cli.run("exact", "optimum", "--json", "--reference", a.toString(), "--betas", "0.5,2");
        assertThat(opt.code()).as(opt.err()).isZero();
        var rows = json.readTree(opt.out()).get("optimum");
        assertThat(rows).hasSize(2);
        for (var row : rows) {
            assertThat(row.get("objective").asDouble()).as("J(π*) = β log Z").isCloseTo(row.get("beta").asDouble() * row.get("log_z").asDouble(), within(1e-12));
            assertThat(row.get("objective").asDouble()).as("J = E[r] − β KL")
                    .isCloseTo(row.get("expected_reward").asDouble() - row.get("beta").asDouble() * row.get("kl").asDouble(), within(1e-6));
        }
        Cli.Result bon = Cli.run("exact", "best-of-n", "--json", "--policy", a.toString(), "--n", "1,4");
        assertThat(bon.code()).as(bon.err()).isZero();
        var b = json.readTree(bon.out()).get("best_of_n");
        assertThat(b.get(0).get("kl").asDouble()).isZero();
        assertThat(b.get(0).get("win_rate").asDouble()).isCloseTo(0.5, within(1e-6));
        assertThat(b.get(1).get("kl").asDouble()).isBetween(0.0, b.get(1).get("kl_formula").asDouble());
        assertThat(Cli.run("exact", "optimum", "--reference", a.toString(), "--betas", "0").err()).contains("--betas");
        assertThat(Cli.run("exact", "best-of-n", "--policy", a.toString(), "--n", "0").err()).contains("--n");
    }
}
