package anchor.world;

import anchor.AnchorException;
import anchor.train.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A busy reward-model cache is named as the shared cache, not as the user's --out; a stale one is set aside, not used. */
class WorldRewardModelTest {
    @Test
    void aCacheBeingTrainedByAnotherRunSaysSo(@TempDir Path dir) {
        Path cache = dir.resolve("reward-world");
        try (RunLock other = RunLock.acquire(cache)) {
            assertThatThrownBy(() -> WorldRewardModel.cached(cache, new PrintWriter(new StringWriter())))
                    .isInstanceOf(AnchorException.class)
                    .hasMessageContaining("the world's reward model is being trained into " + cache + " by another anchor run")
                    .hasMessageNotContaining("--out");
        }
    }

    /** #41, 10: one cache per user, wherever the checkout and the working directory are, named by what it was trained from. */
    @Test
    void theCacheIsPerUserAndKeyedByWhatItWasTrainedFrom(@TempDir Path dir) {
        assertThat(WorldRewardModel.cacheRoot(java.util.Map.of(), "/home/ann")).isEqualTo(Path.of("/home/ann/.cache/anchor"));
        assertThat(WorldRewardModel.cacheRoot(java.util.Map.of("XDG_CACHE_HOME", "/x/cache"), "/home/ann")).isEqualTo(Path.of("/x/cache/anchor"));
        assertThat(WorldRewardModel.cacheRoot(java.util.Map.of("XDG_CACHE_HOME", "/x/cache", "ANCHOR_CACHE", dir.toString()), "/home/ann"))
                .as("ANCHOR_CACHE first").isEqualTo(dir.toAbsolutePath());
        assertThat(WorldRewardModel.cacheRoot(java.util.Map.of("ANCHOR_CACHE", " "), "/home/ann")).as("empty counts as unset").isEqualTo(Path.of("/home/ann/.cache/anchor"));
        String here = WorldRewardModel.key(World.sftId(), WorldRewardModel.SETTINGS);
        assertThat(here).hasSize(12).isEqualTo(WorldRewardModel.key(World.sftId(), WorldRewardModel.SETTINGS));
        assertThat(WorldRewardModel.key("world:sft@0123456789abcdef", WorldRewardModel.SETTINGS)).as("another SFT model").isNotEqualTo(here);
        assertThat(WorldRewardModel.key(World.sftId(), WorldRewardModel.SETTINGS.withSeed(1))).as("other settings").isNotEqualTo(here);
        assertThat(WorldRewardModel.defaultDir().getFileName().toString()).isEqualTo("reward-world-" + here);
        assertThat(WorldRewardModel.defaultDir()).as("not relative to the working directory").isAbsolute();
    }

    /** A cache that cannot be written says so and names the variable that moves it, before any training. */
    @Test
    void anUnwritableCacheNamesTheVariableThatMovesIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> WorldRewardModel.cached(file.resolve("reward-world"), new PrintWriter(new StringWriter())))
                .isInstanceOf(AnchorException.class).hasMessageContaining("is a file, not a directory").hasMessageContaining("ANCHOR_CACHE");
    }

    /**
     * A cached reward model made from another world SFT model (an older Anchor's, with GPT-2's whole vocabulary) would
     * score token ids of a different vocabulary: it is moved aside, whole, and not used; one of this SFT model is.
     */
    @Test
    void aCacheOfAnotherSftModelIsMovedAsideNotUsed(@TempDir Path dir) throws Exception {
        Path cache = cache(dir, "world:sft@0123456789abcdef"), aside = dir.toAbsolutePath().resolve("reward-world.other-sft");
        StringWriter log = new StringWriter();
        assertThat(WorldRewardModel.isCurrent(cache, new PrintWriter(log, true))).isFalse();
        assertThat(log.toString()).contains(cache + " held the reward model of another world SFT model (world:sft@0123456789abcdef); moved it to " + aside);
        assertThat(aside.resolve("model").resolve(anchor.reward.RewardModel.NORMALIZATION)).exists();
        assertThat(cache).doesNotExist();
        Path again = cache(dir, "");                                          // no record at all: an older Anchor's
        assertThat(WorldRewardModel.isCurrent(again, new PrintWriter(log, true))).isFalse();
        assertThat(dir.resolve("reward-world.other-sft-2")).exists();
    }

    @Test
    void aCacheOfThisSftModelIsUsed(@TempDir Path dir) throws Exception {
        Path cache = cache(dir, World.sftId());
        assertThat(WorldRewardModel.cached(cache, new PrintWriter(new StringWriter()))).isEqualTo(cache.resolve("model"));
    }

    /** A complete-looking cache in dir/reward-world made from {@code sftId} (none recorded when empty). */
    private static Path cache(Path dir, String sftId) throws Exception {
        Path cache = dir.resolve("reward-world"), model = cache.resolve("model");
        Files.createDirectories(model);
        Files.writeString(model.resolve(anchor.reward.RewardModel.NORMALIZATION), "{}");
        if (!sftId.isEmpty()) Files.writeString(cache.resolve(WorldRewardModel.MADE_FROM), sftId + "\n");
        return cache;
    }
}
