package anchor.train;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A save killed after each of its file operations, one kill per try: every time, the next resume finds a complete
 * checkpoint — the one before the save or the one being saved, whole — and the save after that succeeds.
 */
class TrainingCheckpointFaultTest {
    @TempDir
    Path dir;

    static final class Killed extends RuntimeException {
    }

    @AfterEach
    void noHook() {
        TrainingCheckpoint.afterFileOp = () -> {
        };
    }

    @Test
    void aKillAfterAnyFileOperationOfASaveLeavesACompleteCheckpoint() {
        int tries = 0;
        for (int killAt = 1; ; killAt++) {
            Path out = dir.resolve("kill-" + killAt);
            RunLoopTest.Toy before = new RunLoopTest.Toy(-1, false);
            before.step(0);
            TrainingCheckpoint.save(out, before.parts(), 1, null, null);                       // the complete checkpoint of step 1
            float[] atStep1 = before.model.parameter("h.0.attn.c_attn.weight");
            before.step(1);
            float[] atStep2 = before.model.parameter("h.0.attn.c_attn.weight");
            int[] ops = {0};
            int k = killAt;
            TrainingCheckpoint.afterFileOp = () -> {
                if (++ops[0] == k) throw new Killed();
            };
            boolean killed;
            try {
                TrainingCheckpoint.save(out, before.parts(), 2, null, null);
                killed = false;
            } catch (Killed e) {
                killed = true;
            }
            TrainingCheckpoint.afterFileOp = () -> {
            };
            RunLoopTest.Toy after = new RunLoopTest.Toy(-1, false);
            int step = TrainingCheckpoint.resume(out, after.parts(), null).step();
            assertThat(step).as("kill after file operation %d: a complete checkpoint of step 1 or 2", killAt).isIn(1, 2);
            assertThat(after.model.parameter("h.0.attn.c_attn.weight")).as("kill after operation %d: the weights of step %d, whole", killAt, step)
                    .containsExactly(step == 1 ? atStep1 : atStep2);
            TrainingCheckpoint.save(out, after.parts(), step + 1, null, null);                  // and the next save works
            assertThat(TrainingCheckpoint.resume(out, new RunLoopTest.Toy(-1, false).parts(), null).step()).isEqualTo(step + 1);
            if (!killed) break;
            tries++;
        }
        assertThat(tries).as("file operations in one save").isGreaterThan(10);
    }

    @Test
    void theHookReallyInterruptsASave() {
        TrainingCheckpoint.afterFileOp = () -> {
            throw new Killed();
        };
        assertThatThrownBy(() -> TrainingCheckpoint.save(dir, new RunLoopTest.Toy(-1, false).parts(), 1, null, null)).isInstanceOf(Killed.class);
    }
}
