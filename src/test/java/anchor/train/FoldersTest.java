package anchor.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The one walk to the nearest existing folder, and the reasons a run could not write below it. */
class FoldersTest {
    @Test
    void theNearestExistingFolderAndWhyNothingCanBeWrittenUnderAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        assertThat(Folders.nearestExisting(dir.resolve("a/b/c"))).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(Folders.nearestExisting(dir.resolve("a/../notes.txt"))).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(Folders.whyNotWritable(dir.resolve("new/run"))).isNull();
        assertThat(Folders.whyNotWritable(file.resolve("run"))).isEqualTo(file.toAbsolutePath() + " is a file, not a directory");
    }
}
