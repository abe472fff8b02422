package anchor.cli;

import anchor.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Options that used to reach NaN or empty output with exit 0 are refused up front: one line naming the option, exit 2. */
class OptionChecksTest {
    @TempDir
    Path dir;

    static void refused(String message, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
        assertThat(r.err()).as(String.join(" ", args)).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void numericOptionsOutsideTheirRangeAreRefused() {
        refused("--drift-steps must be >= 0", "kl-lab", "--drift-steps", "-1");
        refused("--samples must be >= 1", "kl-lab", "--samples", "0");
        refused("--steps must be >= 1", "drift", "--steps", "0");
        refused("--lr must be a finite number > 0", "drift", "--lr", "NaN");
        refused("--kl-every must be >= 1", "drift", "--kl-every", "0");
        refused("--reps must be >= 1", "reference", "--reps", "0");
        refused("--time must be >= 0", "reference", "--time", "-1");
        refused("--prompts must be >= 1", "world", "eval", "--prompts", "0");
        refused("--train must be >= 1", "world", "data", "--train", "0", "--held-out", "0", "--out", dir.toString());
    }

    @Test
    void aRunNeverOverwritesItsInputModel() throws Exception {
        Path model = dir.resolve("m");
        assertThat(Cli.run("init", "--config", "gpt2-tiny", "--out", model.toString()).code()).isZero();
        refused("already holds a model", "init", "--config", "gpt2-tiny", "--out", model.toString());
        assertThat(Cli.run("init", "--config", "gpt2-tiny", "--force", "--out", model.toString()).code()).as("--force overwrites").isZero();
        refused("would overwrite --policy", "dpo", "--policy", model.toString(), "--out", model.toString());
        refused("would overwrite --policy", "dpo", "--policy", model.toString(), "--out", dir.toString());
        refused("would overwrite --reward-model", "ppo", "--reward-model", model.toString(), "--out", model.toString());
        refused("would overwrite --init", "reward", "train", "--init", model.toString(), "--out", model.toString());
        // through symbolic links, either way round: --out a link to the input's folder, or the input reached through a link
        Path toDir = Files.createSymbolicLink(dir.resolve("link-to-dir"), dir), toModel = Files.createSymbolicLink(dir.resolve("link-to-model"), model);
        refused("would overwrite --policy", "dpo", "--policy", model.toString(), "--out", toDir.toString());
        refused("would overwrite --policy", "ppo", "--policy", toModel.toString(), "--out", dir.toString());
        refused("would overwrite --policy", "dpo", "--policy", model.toString(), "--out", toModel.resolve("new-run").getParent().toString());
        assertThat(Files.exists(model.resolve("model.safetensors"))).as("the input untouched").isTrue();
    }

    @Test
    void aRewardModelIsRefusedWhereALanguageModelIsNeeded() throws Exception {
        Path rm = dir.resolve("rm");
        var c = new anchor.gpt2.Gpt2Config(1, 2, 8, 64, anchor.gpt2.Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
        anchor.checkpoint.HfCheckpoint.save(anchor.reward.RewardModel.init(anchor.testing.TestModels.allRandom(c, 3), 4), rm, anchor.safetensors.DType.F32);
        String holds = "holds a reward or value model (GPT2ForSequenceClassification";
        refused("--policy " + rm + " " + holds, "ppo", "--policy", rm.toString(), "--out", dir.resolve("o1").toString());
        refused("--reference " + rm + " " + holds, "dpo", "--reference", rm.toString(), "--out", dir.resolve("o2").toString());
        refused("--policy " + rm + " " + holds, "ppo-explain", "--policy", rm.toString(), "--reward-model", rm.toString(), "--value-model", rm.toString(),
                "--prompt-ids", "1", "--response-ids", "2");
        refused("--policy " + rm + " " + holds, "world", "eval", "--policy", rm.toString());
        refused("--reference " + rm + " " + holds, "kl", "--reference", rm.toString(), "--ids", "1,2");
        assertThat(dir.resolve("o1")).as("refused before the run directory is made").doesNotExist();
    }

    @Test
    void textStartingWithADashIsPointedAtDoubleDash() throws Exception {
        refused("put -- before it: anchor tokenize -- -x", "tokenize", "-x");
        Cli.Result r = Cli.run("tokenize", "--json", "--", "-x");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("ids").size()).isEqualTo(2);
    }

    @Test
    void anUnusableOutFailsBeforeTraining() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("notes.txt"), "mine\n");
        refused("is a file, not a directory", "world", "pretrain", "--steps", "1", "--batch", "1", "--no-progress", "--out", file.resolve("run").toString());
        refused("is a file, not a directory", "drift", "--steps", "1", "--out", file.toString());
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("mine\n");
    }

    @Test
    void withJsonAFailureEndsStdoutWithAnErrorObjectAndOptionErrorsAreOneLine() throws Exception {
        Cli.Result r = Cli.run("drift", "--json", "--steps", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.json().get("error").asText()).contains("--steps must be >= 1");
        Cli.Result p = Cli.run("drift", "--json", "--no-such-option");
        assertThat(p.code()).isEqualTo(2);
        assertThat(p.json().get("error").asText()).contains("--no-such-option");
        assertThat(p.err().strip().lines().count()).as("one line, no usage dump: " + p.err()).isEqualTo(1);
        assertThat(p.err()).contains("anchor drift --help");
    }
}
