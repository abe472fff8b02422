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

    @Test
    void aByteOrderMarkIsAcceptedAndEachWrongShapeIsNamed() throws Exception {
        Files.writeString(dir.resolve("bom.jsonl"), "\uFEFF{\"prompt\":\"p\",\"chosen\":\" a\",\"rejected\":\" b\"}\n");
        assertThat(PreferenceJsonl.read(dir.resolve("bom.jsonl"))).hasSize(1);
        Files.writeString(dir.resolve("shapes.jsonl"), String.join("\n",
                "{\"prompt\":\"p\",\"chosen\":3,\"rejected\":\" b\"}",
                "{\"prompt\":\"p\",\"chosen\":[{\"role\":\"assistant\",\"content\":\"a\"}],\"rejected\":\" b\"}",
                "{\"chosen\":\"p a\",\"rejected\":\"p b\"}",
                "[1, 2]"));
        assertThatThrownBy(() -> PreferenceJsonl.read(dir.resolve("shapes.jsonl"))).isInstanceOf(AnchorException.class)
                .hasMessageContaining("shapes.jsonl").hasMessageContaining("4 bad line(s)")
                .hasMessageContaining("line 1: 'chosen' is a number, not text")
                .hasMessageContaining("line 2: 'chosen' is a list of messages (TRL's conversational format)")
                .hasMessageContaining("line 3: no 'prompt' field (TRL's implicit-prompt format")
                .hasMessageContaining("line 4: not a JSON object");
    }

    @Test
    void pairsWithoutAPreferenceAreCountedForAWarning() {
        List<PreferencePair> pairs = List.of(new PreferencePair("p", " a", " a", Double.NaN, Double.NaN), new PreferencePair("p", " a", " b", Double.NaN, Double.NaN));
        assertThat(PreferenceJsonl.identical(pairs)).isEqualTo(1);
        assertThat(PreferenceJsonl.identicalWarning(pairs, "d.jsonl")).contains("1 of 2 pairs in d.jsonl have chosen == rejected");
        assertThat(PreferenceJsonl.identicalWarning(pairs.subList(1, 2), "d.jsonl")).isNull();
    }
}
