package anchor.world;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded SFT model is used where it is, or unpacked once per checkpoint: no folder left per process. */
class WorldSftUnpackTest {
    @Test
    void fromAClassesFolderTheCheckpointIsUsedWhereItIsNotCopied() throws Exception {
        java.net.URL config = World.class.getResource(World.RESOURCE_DIR + "sft/" + World.SFT_FILES[0]);
        Assumptions.assumeTrue(config != null && "file".equals(config.getProtocol()), "the classes are a folder, not a jar");
        Path dir = World.sftDirectory();
        // wherever the checkout lives (the system's temporary directory included): the classes folder itself, not a copy
        assertThat(dir).as("the classes folder's own sft/").isEqualTo(Path.of(config.toURI()).getParent());
        assertThat(dir.getFileName().toString()).as("not an unpacked copy").doesNotStartWith("anchor-world-sft-");
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
