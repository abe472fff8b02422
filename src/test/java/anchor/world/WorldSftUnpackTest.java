package anchor.world;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded SFT model is used where it is, or unpacked once per checkpoint: no folder left per process. */
class WorldSftUnpackTest {
    @Test
    void fromAClassesFolderTheCheckpointIsUsedWhereItIsNotCopied() {
        Path dir = World.sftDirectory();
        assertThat(dir.startsWith(Path.of(System.getProperty("java.io.tmpdir")))).as("not a copy in the temp directory: " + dir).isFalse();
        assertThat(dir.resolve("model.safetensors")).as("the committed weights").isRegularFile();
    }

    @Test
    void fromAJarItIsUnpackedOnceAndReusedAndADamagedCopyIsReplaced(@TempDir Path root) throws Exception {
        Path first = World.unpackSft(root);
        long modified = Files.getLastModifiedTime(first.resolve("model.safetensors")).toMillis();
        Thread.sleep(20);
        Path second = World.unpackSft(root);
        assertThat(second).as("the same folder for the same checkpoint").isEqualTo(first);
        assertThat(Files.getLastModifiedTime(second.resolve("model.safetensors")).toMillis()).as("not rewritten").isEqualTo(modified);
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries.toList()).as("one folder, no temporary leftovers").containsExactly(first);
        }
        byte[] committed = Files.readAllBytes(World.sftDirectory().resolve("model.safetensors"));
        assertThat(Files.readAllBytes(first.resolve("model.safetensors"))).as("the committed bytes").isEqualTo(committed);

        Files.write(first.resolve("model.safetensors"), new byte[]{1, 2, 3}); // cut short
        Path repaired = World.unpackSft(root);
        assertThat(repaired).isEqualTo(first);
        assertThat(Files.readAllBytes(repaired.resolve("model.safetensors"))).as("the damaged copy replaced").isEqualTo(committed);
    }
}
