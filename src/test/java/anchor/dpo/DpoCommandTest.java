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
        var tok = anchor.world.World.tokenizer();                  // the same texts as the world model's ids, and its <|endoftext|>
        java.util.function.Function<String, String> ids = t -> java.util.Arrays.stream(tok.encode(t)).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        Cli.Result byIds = run("dpo-loss", "--json", "--prompt-ids", ids.apply("<|endoftext|>The dog sings."), "--chosen-ids", ids.apply(" A kind cat smiles.<|endoftext|>"),
                "--rejected-ids", ids.apply(" A cruel cat bites the dog.<|endoftext|>"), "--no-eos");
        assertThat(byIds.code()).as(byIds.err()).isZero();
        assertThat(byIds.json().get("policy_chosen_logp").asDouble()).isEqualTo(j.get("policy_chosen_logp").asDouble());
        assertThat(byIds.json().get("policy_rejected_logp").asDouble()).isEqualTo(j.get("policy_rejected_logp").asDouble());
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

    /** A tiny model and four pairs on disk, so that trainer runs take seconds. */
    private String[] tinyRun(Path out, String... extra) {
        Path model = dir.resolve("tiny"), data = dir.resolve("pairs.jsonl");
        if (!Files.exists(model)) {
            anchor.checkpoint.HfCheckpoint.save(anchor.testing.TestModels.allRandom(DpoTrainerTest.C, 3), model, anchor.safetensors.DType.F32);
            var pairs = new java.util.ArrayList<>(DpoTrainerTest.DATA);
            pairs.add(new anchor.data.PreferencePair("The cat waits.", " A kind dog helps the cat.", " A dog bites.", 2, -2));
            anchor.data.PreferenceJsonl.write(pairs, data);
        }
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("dpo", "--policy", model.toString(), "--data", data.toString(),
                "--max-length", "32", "--batch", "2", "--no-progress", "--out", out.toString()));
        a.addAll(java.util.List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void aResumedRunContinuesExactlyAsAnUninterruptedOne() throws Exception {
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        assertThat(run(tinyRun(straight, "--steps", "4", "--save-every", "2")).code()).isZero();
        Cli.Result first = run(tinyRun(resumed, "--steps", "2", "--save-every", "2"));
        assertThat(first.code()).as(first.err()).isZero();
        Cli.Result second = run(tinyRun(resumed, "--steps", "4", "--save-every", "2"));
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.err()).contains("resumed from").contains("at step 2");
        // the same numbers to the last bit (the weight divergence is also logged at the end of the shorter first run)
        assertThat(withoutDivergence(resumed)).isEqualTo(withoutDivergence(straight));
        var a = anchor.checkpoint.HfCheckpoint.load(straight.resolve("model")).tensors();
        var b = anchor.checkpoint.HfCheckpoint.load(resumed.resolve("model")).tensors();
        a.forEach((name, t) -> assertThat(b.get(name).data()).as(name).containsExactly(t.data()));
        assertThat(Files.readAllLines(straight.resolve("metrics.csv")).get(0)).startsWith("step,loss,rewards/chosen,rewards/rejected");
        for (String png : new String[]{"loss.png", "rewards.png", "kl.png"}) assertThat(Files.size(straight.resolve(png))).as(png).isPositive();
        Cli.Result other = run(tinyRun(resumed, "--steps", "6", "--beta", "0.3"));
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("written by a run with other settings");
    }

    /** The models are read when the run builds them, but still before it makes its directory: a bad one leaves nothing behind. */
    @Test
    void aModelThatCannotBeReadIsRefusedBeforeTheRunDirectoryIsMade() throws Exception {
        Path notAModel = Files.createDirectories(dir.resolve("empty")), out = dir.resolve("never");
        Cli.Result r = run(tinyRun(out, "--steps", "1", "--reference", notAModel.toString()));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(notAModel.toString()).doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    /** Without --reference the divergence reads the initial policy from the resident reference; with it, from a kept copy. */
    @Test
    void theWeightDivergenceIsFromTheInitialPolicyWhereverItIsKept() throws Exception {
        Path copy = dir.resolve("copy"), given = dir.resolve("given");
        assertThat(run(tinyRun(copy, "--steps", "2")).code()).isZero();
        assertThat(run(tinyRun(given, "--steps", "2", "--reference", dir.resolve("tiny").toString())).code()).isZero();
        var lines = Files.readAllLines(copy.resolve("metrics.jsonl"));
        assertThat(lines).isEqualTo(Files.readAllLines(given.resolve("metrics.jsonl")));
        double divergence = new ObjectMapper().readTree(lines.get(1)).get("weight_divergence").asDouble();
        assertThat(divergence).isPositive().isLessThan(0.1);
    }

    private static java.util.List<String> withoutDivergence(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(l -> l.replaceAll(",\"weight_divergence\":[^,}]+", "")).toList();
    }

    @Test
    void aLossThatStopsBeingANumberStopsTrainingAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path out = dir.resolve("nan");
        Cli.Result r = run(tinyRun(out, "--steps", "20", "--save-every", "1", "--optimizer", "sgd", "--lr", "1e12", "--max-grad-norm", "0"));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).containsPattern("DPO loss became|gradient norm became|non-finite").contains("training stopped")
                .contains("last good checkpoint (step").doesNotContain("\tat ");
        int step = new ObjectMapper().readTree(out.resolve("checkpoint/trainer_state.json").toFile()).get("step").asInt();
        assertThat(r.err()).contains("(step " + step + ")");
        for (var t : anchor.checkpoint.HfCheckpoint.load(out.resolve("checkpoint/model")).tensors().values()) {
            for (float v : t.data()) assertThat(Float.isFinite(v)).isTrue();
        }
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSizeGreaterThanOrEqualTo(step);
    }

    /** AdamW with lr 1e30 keeps every weight finite (about 1e30 each) and the next forward pass gives NaN log-probs. */
    @Test
    void anAbsurdAdamLearningRateIsReportedAsDivergence() throws Exception {
        Path out = dir.resolve("huge-lr");
        Cli.Result r = run(tinyRun(out, "--steps", "6", "--save-every", "1", "--lr", "1e30"));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("training stopped").containsPattern("log-prob became|loss became|gradient norm became|non-finite")
                .doesNotContain("\tat ");
    }

    @Test
    void stepsAndEpochsAreExclusiveAndEpochsCountPasses() throws Exception {
        Cli.Result both = run(tinyRun(dir.resolve("x"), "--steps", "2", "--epochs", "1"));
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--steps or --epochs, not both");
        Cli.Result epochs = run(tinyRun(dir.resolve("e"), "--epochs", "1", "--grad-accum", "2"));
        assertThat(epochs.code()).as(epochs.err()).isZero();
        assertThat(epochs.out()).contains("trained 1 steps (4 pairs per step)");
    }
}
