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

    /** #41, 9: a new subfolder on a read-only file system is said to be that, not "permission denied" (which it also is). */
    @Test
    void aReadOnlyFileSystemIsNamedAsSuchBeforeThePermissions(@TempDir Path dir) throws Exception {
        Path existing = Files.createDirectory(dir.resolve("mounted"));
        assertThat(Folders.whyNotWritable(existing.resolve("new/run"), p -> p.equals(existing.toAbsolutePath().normalize())))
                .isEqualTo(existing.toAbsolutePath().normalize() + " is on a read-only file system");
        assertThat(Folders.whyNotWritable(existing.resolve("new/run"), p -> false)).as("the same folder, writable").isNull();
        readOnlyMount().ifPresent(m -> assertThat(Folders.whyNotWritable(m.resolve("new-subfolder"))).as("a real read-only mount: " + m).endsWith("is on a read-only file system"));
    }

    /** A directory on a read-only mount of this machine (/proc/mounts), where there is one. */
    private static java.util.Optional<Path> readOnlyMount() throws java.io.IOException {
        Path mounts = Path.of("/proc/mounts");
        if (!Files.isReadable(mounts)) return java.util.Optional.empty();
        for (String line : Files.readAllLines(mounts)) {
            String[] f = line.split(" ");
            if (f.length > 3 && java.util.Arrays.asList(f[3].split(",")).contains("ro") && Files.isDirectory(Path.of(f[1])) && Folders.readOnlyStore(Path.of(f[1]))) {
                return java.util.Optional.of(Path.of(f[1]));
            }
        }
        return java.util.Optional.empty();
    }
}
