package anchor.train;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One run per directory, and an unusable directory refused before the first step. */
class RunLockTest {
    @TempDir
    Path dir;

    /** A second process holding a run directory, as a concurrent {@code anchor dpo --out DIR} would. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                Thread.sleep(60_000);
            }
        }
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedWithTheOwnersPid() throws Exception {
        Path out = dir.resolve("run");
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), out.toString()).redirectErrorStream(true).start();
        try {
            var reader = new BufferedReader(new InputStreamReader(other.getInputStream()));
            assertThat(reader.readLine()).as("the other process holds the lock").isEqualTo("locked");
            RunLoopTest.Toy toy = new RunLoopTest.Toy(-1, false);
            assertThatThrownBy(() -> RunLoop.run(toy, new RunLoop.Options("toy", 2, out, 1, false, null, MetricsLog.Layout.PLAIN)))
                    .isInstanceOf(AnchorException.class).hasMessageContaining("is in use by another anchor run (pid " + other.pid() + ")");
            assertThat(toy.counter).as("no step ran").isZero();
        } finally {
            other.destroyForcibly();
            other.waitFor(10, TimeUnit.SECONDS);
        }
        RunLoop.run(new RunLoopTest.Toy(-1, false), new RunLoop.Options("toy", 2, out, 1, false, null, MetricsLog.Layout.PLAIN));
        assertThat(out.resolve("checkpoint")).as("a killed owner's lock went with it: the next run proceeds").exists();
        assertThat(out.resolve(RunLock.FILE)).as("released at the end").doesNotExist();
    }

    @Test
    void anUnusableRunDirectoryFailsBeforeTheFirstStep() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "user data\n");
        RunLoopTest.Toy toy = new RunLoopTest.Toy(-1, false);
        assertThatThrownBy(() -> RunLoop.run(toy, new RunLoop.Options("toy", 2, file.resolve("run"), 1, false, null, MetricsLog.Layout.PLAIN)))
                .isInstanceOf(AnchorException.class).hasMessageContaining("is a file, not a directory");
        assertThat(toy.counter).isZero();
        assertThat(Files.readString(file)).isEqualTo("user data\n");
    }

    @Test
    void aSecondLockOnTheSameDirectoryIsRefusedInThisProcessToo() {
        Path out = dir.resolve("nested");
        try (RunLock outer = RunLock.acquire(out)) {
            assertThatThrownBy(() -> RunLoop.run(new RunLoopTest.Toy(-1, false), new RunLoop.Options("toy", 1, out, 1, false, null, MetricsLog.Layout.PLAIN)))
                    .isInstanceOf(AnchorException.class).hasMessageContaining("is in use by another anchor run");
            assertThat(out.resolve(RunLock.FILE)).as("still held by the first").exists();
        }
        assertThat(out.resolve(RunLock.FILE)).doesNotExist();
    }

    @Test
    void theFinalModelsAreWrittenAfterTheLastStepWhileTheLockIsHeld() {
        Path out = dir.resolve("final");
        var seen = new java.util.ArrayList<String>();
        var toy = new RunLoopTest.Toy(-1, false) {
            @Override
            public void writeFinal(Path o) {
                seen.add(counter + " steps, lock " + (java.nio.file.Files.exists(o.resolve(RunLock.FILE)) ? "held" : "free"));
            }
        };
        var log = new java.io.StringWriter();
        var options = new RunLoop.Options("toy", 2, out, 1, false, null, MetricsLog.Layout.PLAIN, new java.io.PrintWriter(log, true));
        RunLoop.run(toy, options);
        assertThat(seen).containsExactly("2 steps, lock held");
        assertThat(log.toString()).isEmpty();
        RunLoop.run(toy, options);
        assertThat(log.toString()).isEqualTo("anchor: resumed from " + out + "/checkpoint at step 2" + System.lineSeparator());
        assertThat(seen).hasSize(2);
        RunLoop.run(toy, RunLoop.Options.inMemory("toy", 1));
        assertThat(seen).as("a run without a directory writes nothing").hasSize(2);
    }
}
