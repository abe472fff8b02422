package anchor.data;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreferenceJsonlTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadRoundTrips() {
        List<PreferencePair> pairs = List.of(new PreferencePair("The dog sings.", " A cat smiles.", " A cat cries.", 1, -1));
        PreferenceJsonl.write(pairs, dir.resolve("d.jsonl"));
        assertThat(PreferenceJsonl.read(dir.resolve("d.jsonl"))).isEqualTo(pairs);
    }

    @Test
    void malformedLinesAreReportedWithTheirNumbers() throws Exception {
        Files.writeString(dir.resolve("bad.jsonl"), String.join("\n",
                "{\"prompt\":\"p\",\"chosen\":\" a\",\"rejected\":\" b\"}",
                "{not json",
                "{\"prompt\":\"p\",\"chosen\":\" a\"}",
                "",
                "{\"prompt\":\"p\",\"chosen\":\"\",\"rejected\":\" b\"}"));
        assertThatThrownBy(() -> PreferenceJsonl.read(dir.resolve("bad.jsonl"))).isInstanceOf(AnchorException.class)
                .hasMessageContaining("3 bad line(s)").hasMessageContaining("line 2: not valid JSON")
                .hasMessageContaining("line 3: missing text field 'rejected'").hasMessageContaining("line 5: empty response");
    }
}
