package anchor.safetensors;

import anchor.AnchorException;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the safetensors parser: whatever the bytes, opening the file and reading every tensor it declares either
 * succeeds or throws {@link AnchorException} — never another exception, never a hang. {@code mvn test} replays the
 * seeds in {@code src/test/resources/anchor/safetensors/SafetensorsFuzzTestInputs}; {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=SafetensorsFuzzTest} fuzzes for real.
 */
class SafetensorsFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parserOnlyEverThrowsAnchorException(byte[] data) throws Exception {
        Path f = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(f, data);
            SafetensorsFile file = SafetensorsFile.open(f);
            for (var t : file.tensors().values()) {
                if (t.dtype().floating && t.numel() < 1_000_000) file.readFloats(t.name());
            }
        } catch (AnchorException expected) {
            // a clear, named refusal is the right answer to a bad file
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
