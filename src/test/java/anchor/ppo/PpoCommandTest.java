package anchor.ppo;

import anchor.checkpoint.HfCheckpoint;
import anchor.reward.RewardModel;
import anchor.safetensors.DType;
import anchor.testing.Cli;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code anchor ppo} on tiny models: a run with its metrics, a resume, bad input in one line. */
class PpoCommandTest {
    @TempDir
    Path dir;

    @Test
    void aShortRunLogsTrlsMetricsAndResumes() throws Exception {
        Path policy = dir.resolve("policy"), rm = dir.resolve("rm"), prompts = dir.resolve("prompts.jsonl"), out = dir.resolve("run");
        HfCheckpoint.save(TestModels.allRandom(PpoTrainerTest.C, 3), policy, DType.F32);
        RewardModel.save(RewardModel.init(TestModels.allRandom(PpoTrainerTest.C, 7), 8), new RewardModel.Normalization(2, 0.5), rm);
        Files.writeString(prompts, "{\"prompt\": \"<|endoftext|>The dog\"}\n{\"prompt\": \"<|endoftext|>A cat\"}\n");
        String[] args = {"ppo", "--json", "--policy", policy.toString(), "--reward-model", rm.toString(), "--prompts", prompts.toString(),
                "--steps", "2", "--batch", "2", "--ppo-epochs", "1", "--response-length", "4", "--lr", "1e-3", "--save-every", "1", "--no-progress",
                "--out", out.toString()};
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("four models resident");
        var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertThat(first.get("objective/kl").asDouble()).as("policy = reference at the first update").isZero();
        for (String k : new String[]{"objective/entropy", "objective/non_score_reward", "objective/rlhf_reward", "objective/scores", "policy/approxkl_avg",
                "policy/clipfrac_avg", "loss/policy_avg", "loss/value_avg", "val/clipfrac_avg", "val/ratio", "val/ratio_var", "val/num_eos_tokens",
                "lr", "episode", "objective/kl_coef", "val/var_explained"}) assertThat(first.has(k)).as(k).isTrue();
        assertThat(first.has("objective/gold")).as("no true reward outside the world").isFalse();
        assertThat(HfCheckpoint.load(out.resolve("value")).hasScoreHead()).isTrue();
        Cli.Result again = Cli.run(args);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("resumed from").contains("at step 2");
    }

    /** Ziegler's shared trunk, the plain-Java CPU reference, periodic KL and evaluation, all from the command line. */
    @Test
    void theOptionsOfDocumentOneAndZieglerRunFromTheCommandLine() throws Exception {
        Path policy = dir.resolve("policy"), rm = dir.resolve("rm"), prompts = dir.resolve("prompts.jsonl"), out = dir.resolve("run");
        HfCheckpoint.save(TestModels.allRandom(PpoTrainerTest.C, 3), policy, DType.F32);
        RewardModel.save(RewardModel.init(TestModels.allRandom(PpoTrainerTest.C, 7), 8), RewardModel.Normalization.IDENTITY, rm);
        Files.writeString(prompts, "{\"prompt\": \"<|endoftext|>The dog\"}\n{\"prompt\": \"<|endoftext|>A cat\"}\n");
        Cli.Result r = Cli.run("ppo", "--policy", policy.toString(), "--reward-model", rm.toString(), "--prompts", prompts.toString(),
                "--eval-prompts", prompts.toString(), "--eval-every", "2", "--value-model", "shared", "--reference-dtype", "cpu", "--kl-every", "2",
                "--steps", "3", "--batch", "2", "--ppo-epochs", "1", "--response-length", "4", "--no-progress", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("three models resident").contains("reference (cpu)").contains("peak resident memory");
        var rows = Files.readAllLines(out.resolve("metrics.jsonl"));
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(json.readTree(rows.get(0)).has("eval/kl")).as("evaluated at update 0").isTrue();
        assertThat(json.readTree(rows.get(1)).has("eval/kl")).as("not at update 1").isFalse();
        assertThat(json.readTree(rows.get(2)).has("eval/distinct_2")).as("again at update 2").isTrue();
        assertThat(HfCheckpoint.load(out.resolve("model")).hasScoreHead()).as("model/: the policy alone").isFalse();
        for (String f : new String[]{"vocab.json", "merges.txt", "generation_config.json"}) {
            assertThat(out.resolve("model").resolve(f)).as("a complete Hugging Face repo: " + f).exists();
        }
        assertThat(HfCheckpoint.load(out.resolve("value")).hasScoreHead()).as("value/: the trunk with its value head").isTrue();
        assertThat(Cli.run("ppo", "--prompts", prompts.toString(), "--eval-every", "1", "--out", dir.resolve("f").toString()).err()).contains("--eval-prompts");
        assertThat(Cli.run("ppo", "--kl-every", "0", "--out", dir.resolve("g").toString()).err()).contains("--kl-every must be >= 1");
    }

    /** GRPO and RLOO from the command line: three models, no value model written, and a resume. */
    @Test
    void grpoAndRlooRunWithoutAValueModel() throws Exception {
        Path policy = dir.resolve("policy"), rm = dir.resolve("rm"), prompts = dir.resolve("prompts.jsonl");
        HfCheckpoint.save(TestModels.allRandom(PpoTrainerTest.C, 3), policy, DType.F32);
        RewardModel.save(RewardModel.init(TestModels.allRandom(PpoTrainerTest.C, 7), 8), RewardModel.Normalization.IDENTITY, rm);
        Files.writeString(prompts, "{\"prompt\": \"<|endoftext|>The dog\"}\n{\"prompt\": \"<|endoftext|>A cat\"}\n");
        for (String algorithm : new String[]{"grpo", "rloo"}) {
            Path out = dir.resolve(algorithm);
            String[] args = {"ppo", "--algorithm", algorithm, "--group-size", "2", "--policy", policy.toString(), "--reward-model", rm.toString(),
                    "--prompts", prompts.toString(), "--steps", "2", "--batch", "4", "--ppo-epochs", "1", "--response-length", "4", "--save-every", "1",
                    "--no-progress", "--out", out.toString()};
            Cli.Result r = Cli.run(args);
            assertThat(r.code()).as(algorithm + "\n" + r.err()).isZero();
            assertThat(r.err()).contains("three models resident (" + algorithm.toUpperCase() + ", no value model)");
            assertThat(out.resolve("model/model.safetensors")).exists();
            assertThat(out.resolve("value")).as("no value model to save").doesNotExist();
            assertThat(Cli.run(args).err()).as(algorithm + " resumes").contains("at step 2");
        }
        Cli.Result both = Cli.run("ppo", "--algorithm", "grpo", "--value-model", "shared", "--out", dir.resolve("x").toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--value-model: grpo has no value model");
        assertThat(Cli.run("ppo", "--algorithm", "rloo", "--kl-every", "2", "--out", dir.resolve("y").toString()).err()).contains("PPO's options, not rloo's");
        assertThat(Cli.run("ppo", "--algorithm", "a2c", "--out", dir.resolve("z").toString()).err()).contains("unknown --algorithm 'a2c'");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path prompts = dir.resolve("bad.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"x\"}\n{\"text\": \"y\"}\n");
        for (String[] bad : new String[][]{
                {"ppo", "--batch", "4", "--mini-batches", "3", "--out", dir.resolve("a").toString()},
                {"ppo", "--kl-estimator", "k2", "--out", dir.resolve("b").toString()},
                {"ppo", "--prompts", prompts.toString(), "--reward-model", dir.toString(), "--out", dir.resolve("c").toString()},
                {"ppo", "--target-kl", "-1", "--out", dir.resolve("d").toString()}}) {
            Cli.Result r = Cli.run(bad);
            assertThat(r.code()).as(String.join(" ", bad) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).doesNotContain("Exception");
        }
        assertThat(Cli.run("ppo", "--prompts", prompts.toString(), "--out", dir.resolve("e").toString()).err()).contains("line 2").contains("\"prompt\"");
    }

    /** The models are read when the run builds them, but still before it makes its directory: a bad one leaves nothing behind. */
    @Test
    void aModelThatCannotBeReadIsRefusedBeforeTheRunDirectoryIsMade() throws Exception {
        Path notAModel = Files.createDirectories(dir.resolve("empty")), out = dir.resolve("never"), rm = dir.resolve("rm");
        RewardModel.save(RewardModel.init(anchor.world.World.sftWeights(), 8), RewardModel.Normalization.IDENTITY, rm);   // not the world's: nothing to train first
        Cli.Result r = Cli.run("ppo", "--reference", notAModel.toString(), "--reward-model", rm.toString(), "--steps", "1", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(notAModel.toString()).doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }
}
