package anchor.reward;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Config;
import anchor.safetensors.DType;
import anchor.testing.Cli;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code anchor reward train|eval|score} on a tiny trunk: a run, its resume, the saved model, bad input in one line. */
class RewardCommandTest {
    /** 64 positions, so that the world's evaluation sequences fit. */
    static final Gpt2Config C = new Gpt2Config(1, 2, 8, 64, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);

    @TempDir
    Path dir;

    @Test
    void trainEvalAndScoreATinyRewardModel() throws Exception {
        Path trunk = dir.resolve("trunk"), data = dir.resolve("pairs.jsonl"), out = dir.resolve("run");
        HfCheckpoint.save(TestModels.allRandom(C, 3), trunk, DType.F32);
        anchor.data.PreferenceJsonl.write(pairs(32), data);
        String[] train = {"reward", "train", "--json", "--init", trunk.toString(), "--data", data.toString(), "--steps", "4", "--batch", "2",
                "--save-every", "2", "--no-progress", "--out", out.toString()};
        Cli.Result r = Cli.run(train);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("metrics.csv"))).hasSize(5).first().asString().startsWith("step,loss,accuracy,margin");
        assertThat(r.json().get("gain").asDouble()).isPositive();
        Cli.Result again = Cli.run(train);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("resumed from").contains("at step 4");

        Cli.Result score = Cli.run("reward", "score", "--json", "--model", out.resolve("model").toString(), "--prompt", "<|endoftext|>The dog sings.",
                "--response", " A kind cat smiles.");
        assertThat(score.code()).as(score.err()).isZero();
        assertThat(score.json().get("reward").asDouble()).as("the normalisation is folded into the saved weights")
                .isCloseTo(score.json().get("raw_score").asDouble(), within(1e-12));

        Cli.Result eval = Cli.run("reward", "eval", "--json", "--model", out.resolve("model").toString(), "--data", data.toString(), "--samples", "4");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.json().get("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(eval.json().get("gold_correlation").asDouble()).isBetween(-1.0, 1.0);
    }

    /** RewardTest's three pairs, then pairs with distinct prompts up to {@code prompts} in all (the normalisation needs 32). */
    static java.util.List<anchor.data.PreferencePair> pairs(int prompts) {
        var out = new java.util.ArrayList<>(RewardTest.DATA);
        for (int i = out.size(); i < prompts; i++) out.add(new anchor.data.PreferencePair("The cat number " + i + " waits.", " A kind cat smiles.", " A cruel cat bites."));
        return out;
    }

    @Test
    void tooFewDistinctPromptsToNormaliseAreRefusedBeforeAnyTraining() throws Exception {
        Path trunk = dir.resolve("trunk"), data = dir.resolve("few.jsonl"), out = dir.resolve("few-run");
        HfCheckpoint.save(TestModels.allRandom(C, 3), trunk, DType.F32);
        var one = new java.util.ArrayList<anchor.data.PreferencePair>();
        for (int i = 0; i < 40; i++) one.add(new anchor.data.PreferencePair("The dog sings.", " A kind cat smiles " + i + ".", " A cruel cat bites."));
        anchor.data.PreferenceJsonl.write(one, data);
        Cli.Result r = Cli.run("reward", "train", "--init", trunk.toString(), "--data", data.toString(), "--steps", "2", "--batch", "2", "--no-progress", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the data has 1 distinct prompt;").contains("needs at least 32").doesNotContain("Exception");
        assertThat(out).as("nothing written: refused before the run directory is touched").doesNotExist();
        anchor.data.PreferenceJsonl.write(pairs(31), data);
        assertThat(Cli.run("reward", "train", "--init", trunk.toString(), "--data", data.toString(), "--steps", "2", "--no-progress", "--out", out.toString()).err())
                .contains("the data has 31 distinct prompts;");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path lm = dir.resolve("lm");
        HfCheckpoint.save(TestModels.allRandom(C, 3), lm, DType.F32);
        Cli.Result notRm = Cli.run("reward", "score", "--model", lm.toString(), "--prompt", "a", "--response", " b");
        assertThat(notRm.code()).isEqualTo(2);
        assertThat(notRm.err()).contains("is not a reward model").doesNotContain("Exception");
        assertThat(Cli.run("reward", "eval", "--model", lm.toString(), "--samples", "1").err()).contains("--samples must be >= 2");
        assertThat(Cli.run("reward", "train", "--train-size", "0", "--out", dir.resolve("x").toString()).err()).contains("--train-size must be >= 1");
        assertThat(Cli.run("reward", "train", "--lr", "NaN", "--out", dir.resolve("y").toString()).err()).contains("--lr must be a finite number");
    }
}
