package anchor.world;

import anchor.AnchorException;
import anchor.train.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A busy reward-model cache is named as the shared cache, not as the user's --out. */
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
}
