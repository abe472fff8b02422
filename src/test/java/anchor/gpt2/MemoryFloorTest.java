package anchor.gpt2;

import anchor.AnchorException;
import anchor.testing.Cli;
import anchor.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** #41, 5: a batch that can never fit is refused before the first step, in one line naming the option and a size that clears the floor. */
class MemoryFloorTest {
    @TempDir
    Path dir;

    @Test
    void theFloorCountsEachLayersKeptActivationsAndOneStepsLogits() {
        Gpt2Config c = World.SFT_CONFIG;                                   // 4 layers, 4 heads, n_inner 512
        assertThat(MemoryFloor.trainingPass(c, 10, 8)).isEqualTo(4L * 10 * 4 * (8 * 512 + 4 * 8 * 8));
        assertThat(MemoryFloor.trainingPass(c, 20, 8)).as("in proportion to the rows").isEqualTo(2 * MemoryFloor.trainingPass(c, 10, 8));
        assertThat(MemoryFloor.sampling(c, 3)).isEqualTo(4L * 3 * c.vocabSize());
        MemoryFloor.check("x", 100, "--batch", 10, 100);                   // at the limit: fits
        assertThatThrownBy(() -> MemoryFloor.check("one pass", 4_000_000_000L, "--batch", 1000, 1_000_000_000L))
                .isInstanceOf(AnchorException.class)
                .hasMessage("--batch 1000: one pass needs at least 4.0 GB, more than the 1.0 GB this process may allocate "
                        + "(org.bytedeco.javacpp.maxbytes, in jvm.options or ANCHOR_JAVA_OPTS); use a smaller --batch (at most 250 clears this floor)");
    }

    /** The cases: reward train ran 61 s to 18.3 GB before failing; ppo --json printed nothing. Now both stop at once, exit 2. */
    @Test
    void rewardTrainAndPpoRefuseABatchThatCannotFitBeforeTraining() throws Exception {
        long t0 = System.nanoTime();
        Cli.Result reward = Cli.run("reward", "train", "--batch", "100000", "--steps", "1", "--no-progress", "--out", dir.resolve("rm").toString());
        assertThat(reward.code()).as(reward.err()).isEqualTo(2);
        String last = reward.err().strip().substring(reward.err().strip().lastIndexOf('\n') + 1);
        assertThat(last).startsWith("anchor: error: --batch 100000: one training pass of 200000 sequences").contains("clears this floor");
        assertThat(reward.err()).as("one error line").containsOnlyOnce("error");
        assertThat(dir.resolve("rm")).as("nothing written").doesNotExist();
        Cli.Result dpo = Cli.run("dpo", "--batch", "100000", "--steps", "1", "--no-progress", "--out", dir.resolve("dpo").toString());
        assertThat(dpo.code()).as(dpo.err()).isEqualTo(2);
        assertThat(dpo.err()).contains("--batch 100000: one policy pass of 200000 sequences");
        Path prompts = Files.writeString(dir.resolve("p.jsonl"), "{\"prompt\": \"<|endoftext|>The dog\"}\n");
        Cli.Result ppo = Cli.run("ppo", "--json", "--batch", "100000", "--prompts", prompts.toString(), "--no-progress", "--out", dir.resolve("ppo").toString());
        assertThat(ppo.code()).as(ppo.err()).isEqualTo(2);
        assertThat(ppo.err()).contains("--batch 100000: sampling 100000 responses at once needs at least");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(ppo.out()).get("error").asText()).startsWith("--batch 100000");
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds: refused before any step").isLessThan(60);
    }
}
