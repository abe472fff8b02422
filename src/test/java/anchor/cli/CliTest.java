package anchor.cli;

import anchor.testing.Cli;

import anchor.checkpoint.CheckpointVariants;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.PlainGpt2;
import anchor.testing.Comparator;
import anchor.testing.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code anchor} command in-process: JSON last lines, and one-line errors with exit code 2 for bad input. */
class CliTest {
    @TempDir
    Path dir;

    static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    @Test
    void everyCommandAnswersHelp() {
        for (String[] cmd : new String[][]{{"dpo", "--help"}, {"experiment", "--help"}, {"world", "eval", "--help"}, {"tour", "-h"}}) {
            Cli.Result r = run(cmd);
            assertThat(r.code()).as(String.join(" ", cmd) + "\n" + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", cmd)).contains("Usage: anchor " + cmd[0]);
        }
        assertThat(run("dpo", "--help").out()).contains("--grad-accum", "--precompute-reference", "--save-every");
    }

    @Test
    void driftPrintsNoLossAfterTheLastStepRatherThanNaN() {
        Cli.Result r = run("drift", "--config", "gpt2-tiny", "--steps", "2", "--kl-every", "1", "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("NaN").containsPattern("(?m)^\\s+2\\s+—\\s");
    }

    @Test
    void tokenizeJson() throws Exception {
        Cli.Result r = run("tokenize", "--json", "Hello, how are you doing today?");
        assertThat(r.code()).isZero();
        assertThat(r.json().get("ids").toString()).isEqualTo("[15496,11,703,389,345,1804,1909,30]");
        assertThat(run("decode", "15496,11,703").out().strip()).isEqualTo("Hello, how");
    }

    @Test
    void paramsJsonForGpt2() throws Exception {
        JsonNode j = run("params", "--json", "--config", "gpt2").json();
        assertThat(j.get("trainable").asLong()).isEqualTo(124_439_808L);
        assertThat(j.get("fp32_bytes").asLong()).isEqualTo(124_439_808L * 4);
        assertThat(j.get("fp16_bytes").asLong()).isEqualTo(124_439_808L * 2);
    }

    @Test
    void logprobsMatchThePlainJavaForwardInEveryImportVariant() throws Exception {
        int[] ids = {15496, 11, 703, 389, 345, 1804, 1909, 30, 50256};
        for (CheckpointVariants.Variant v : CheckpointVariants.Variant.values()) {
            Gpt2Weights w = TestModels.allRandom(v == CheckpointVariants.Variant.UNTIED
                    ? TestModels.tiny().withTiedEmbeddings(false) : TestModels.tiny(), 100 + v.ordinal());
            Path d = CheckpointVariants.write(w, dir.resolve(v.name()), v);
            Cli.Result r = run("logprobs", "--json", "--model", d.toString(), "--ids", "15496,11,703,389,345,1804,1909,30,50256");
            assertThat(r.code()).as(r.err()).isZero();
            double[] actual = new ObjectMapper().convertValue(r.json().get("logprobs"), double[].class);
            Comparator.check("logprobs, " + v, expectedLogprobs(CheckpointVariants.rounded(w, v), ids), actual, 1e-4);
        }
    }

    /** log p(ids[i+1] | ids[..i]) from the plain-Java float64 forward. */
    static double[] expectedLogprobs(Gpt2Weights w, int[] ids) {
        double[][] logits = new PlainGpt2(w).logits(ids);
        double[] lp = new double[ids.length - 1];
        for (int t = 0; t < lp.length; t++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double z : logits[t]) max = Math.max(max, z);
            for (double z : logits[t]) sum += Math.exp(z - max);
            lp[t] = logits[t][ids[t + 1]] - max - Math.log(sum);
        }
        return lp;
    }

    @Test
    void badInputGetsOneLineAndExitCode2() throws Exception {
        Path junk = dir.resolve("junk");
        Files.createDirectories(junk);
        Files.writeString(junk.resolve("config.json"), TestModels.tiny().toJson().toString());
        Files.write(junk.resolve("model.safetensors"), new byte[]{1, 2, 3, 4, 5});
        String[][] cases = {
                {"logprobs", "--model", dir.resolve("missing").toString(), "--ids", "1,2"},
                {"logprobs", "--model", junk.toString(), "--ids", "1,2"},
                {"logprobs", "--config", "gpt2-tiny", "--ids", "1,2,50257"},
                {"logprobs", "--config", "gpt2-tiny", "--ids", "1"},
                {"logprobs", "--config", "gpt2-tiny", "--ids", ""},
                {"logprobs", "--config", "gpt2-tiny", "--text", "x".repeat(10).replace("x", "hello ").repeat(30)},
                {"logprobs", "--config", "gpt2-huge", "--ids", "1,2"},
                {"logprobs", "--config", "gpt2-tiny", "--ids", "1,a"},
                {"generate", "--config", "gpt2-tiny", "--prompt", "hi", "--top-p", "0"},
                {"decode", "99999"},
                {"decode", "1,x"},
                {"decode", "[]"},
                {"tour", "no-such-chapter"},
        };
        String[] expected = {"does not exist", "truncated", "outside the vocabulary", "need at least 2 tokens", "empty input",
                "longer than the model's context (n_positions = 128)", "unknown config 'gpt2-huge'", "comma-separated integers",
                "--top-p must be in (0, 1]", "outside the vocabulary", "IDS must be comma-separated integers", "IDS holds no token ids",
                "unknown chapter"};
        for (int i = 0; i < cases.length; i++) {
            Cli.Result r = run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(2);
            String errorLine = r.err().lines().filter(l -> l.startsWith("anchor: error: ")).findFirst().orElse("");
            assertThat(errorLine).as(String.join(" ", cases[i])).contains(expected[i]);
            assertThat(r.err()).as("no stack trace").doesNotContain("\tat ");
        }
    }

    @Test
    void initWritesALoadableCheckpoint() throws Exception {
        Path out = dir.resolve("init");
        assertThat(run("init", "--config", "gpt2-tiny", "--seed", "3", "--out", out.toString()).code()).isZero();
        Cli.Result r = run("params", "--json", "--model", out.toString());
        assertThat(r.json().get("trainable").asLong()).isEqualTo(3_324_736L);
        Cli.Result g = run("generate", "--json", "--model", out.toString(), "--prompt", "Hello", "--max-new-tokens", "5", "--temperature", "0");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.json().get("ids").size()).isBetween(1, 5);
    }

    @Test
    void referenceAndKlCommands() throws Exception {
        Path policy = dir.resolve("policy"), other = dir.resolve("other");
        CheckpointVariants.write(TestModels.allRandom(TestModels.tiny(), 1), policy, CheckpointVariants.Variant.SAVE_PRETRAINED);
        CheckpointVariants.write(TestModels.allRandom(TestModels.tiny(), 2), other, CheckpointVariants.Variant.SAVE_PRETRAINED);
        JsonNode ref = run("reference", "--json", "--model", policy.toString(), "--dtype", "fp16").json();
        assertThat(ref.get("reference_trainable").asLong()).isZero();
        assertThat(ref.get("reference_bytes").asLong() * 2).isEqualTo(ref.get("policy_bytes").asLong());
        assertThat(ref.get("any_requires_grad").asBoolean()).isFalse();

        JsonNode same = run("kl", "--json", "--policy", policy.toString(), "--reference", policy.toString(), "--text", "Hello, how are you doing today?").json();
        assertThat(same.get("per_token_kl").size()).isEqualTo(7);
        for (JsonNode k : same.get("per_token_kl")) assertThat(k.asDouble()).isZero();
        for (String est : new String[]{"k1", "k2", "k3", "exact"}) {
            Cli.Result r = run("kl", "--json", "--policy", policy.toString(), "--reference", other.toString(), "--ids", "1,2,3,4", "--estimator", est);
            assertThat(r.code()).as(r.err()).isZero();
            double mean = r.json().get("mean_kl").asDouble();
            if (!est.equals("k1")) assertThat(mean).as(est).isPositive();
        }
        Cli.Result bad = run("kl", "--policy", policy.toString(), "--reference", other.toString(), "--ids", "1,2", "--estimator", "k9");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown estimator 'k9'");
    }

    @Test
    void outOfMemoryIsOneLineAndWithJsonAnErrorObject() throws Exception {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = Main.outOfMemory(new OutOfMemoryError("Java heap space"), true, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).isEqualTo(3);
        assertThat(err.toString().strip()).startsWith("anchor: error: out of memory (Java heap space); use a smaller --batch").doesNotContain("\n");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()).get("error").asText()).startsWith("out of memory");
    }
}
