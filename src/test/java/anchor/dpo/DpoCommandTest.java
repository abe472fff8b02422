package anchor.dpo;

import anchor.testing.Cli;

import anchor.cli.Main;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DpoCommandTest {
    @TempDir
    Path dir;

    static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    @Test
    void dpoLossOfAModelAgainstItselfIsLn2() throws Exception {
        Cli.Result r = run("dpo-loss", "--json", "--prompt", "<|endoftext|>The dog sings.", "--chosen", " A kind cat smiles.",
                "--rejected", " A cruel cat bites the dog.", "--beta", "0.1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("loss").asDouble()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(j.get("chosen_reward").asDouble()).isZero();
        assertThat(j.get("policy_chosen_logp").asDouble()).isEqualTo(j.get("ref_chosen_logp").asDouble());
        assertThat(j.get("policy_chosen_logp").asDouble()).isNegative();
        Cli.Result ids = run("dpo-loss", "--json", "--prompt-ids", "50256,464,3290,26584,13", "--chosen-ids", "317,1611,3797,21845,13",
                "--rejected-ids", "317,12177,3797,26081,262,3290,13", "--no-eos");
        assertThat(ids.code()).as(ids.err()).isZero();
    }

    @Test
    void badInputIsNamed() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"prompt\":\"p\",\"chosen\":\" a\",\"rejected\":\" b\"}\n{oops\n");
        String[][] cases = {
                {"dpo-loss", "--prompt", "x", "--chosen", " a", "--rejected", " b", "--beta", "0"},
                {"dpo-loss", "--prompt", "x", "--chosen", " a", "--rejected", " b", "--beta", "-1"},
                {"dpo-loss", "--prompt", "x", "--chosen", "", "--rejected", " b"},
                {"dpo-loss", "--prompt", "x", "--chosen", " a", "--rejected", " b", "--loss", "kto"},
                {"dpo", "--data", bad.toString(), "--steps", "1"},
                {"dpo", "--beta", "NaN", "--steps", "1"},
        };
        String[] expected = {"beta must be", "beta must be", "empty chosen", "unknown DPO loss 'kto'", "line 2: not valid JSON", "--beta must be"};
        for (int i = 0; i < cases.length; i++) {
            Cli.Result r = run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", cases[i])).contains(expected[i]).doesNotContain("\tat ");
        }
    }

    @Test
    void twoStepsOfDpoWriteMetricsAndAModel() throws Exception {
        Path out = dir.resolve("run");
        Cli.Result r = run("dpo", "--json", "--steps", "2", "--batch", "2", "--precompute-reference", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertThat(first.get("loss").asDouble()).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(first.has("rewards/margins")).isTrue();
        assertThat(Files.exists(out.resolve("model/model.safetensors"))).isTrue();
    }
}
