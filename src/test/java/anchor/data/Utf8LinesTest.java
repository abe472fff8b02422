package anchor.data;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lines as Files.readAllLines gives them; bad UTF-8, a missing file or a directory is one line naming the file (and the line). */
class Utf8LinesTest {
    @TempDir
    Path dir;

    @Test
    void linesAsReadAllLinesGivesThem() throws IOException {
        for (String text : new String[]{"", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "é ✓\nx\n"}) {
            Path f = Files.writeString(dir.resolve("t.txt"), text);
            assertThat(Utf8Lines.read(f)).as(text).isEqualTo(Files.readAllLines(f));
        }
    }

    @Test
    void badUtf8NamesItsLine() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.write(f, ("{\"prompt\": \"ok\"}\n{\"prompt\": \"caf").getBytes(StandardCharsets.UTF_8));
        Files.write(f, new byte[]{(byte) 0xE9, '"', '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);   // Latin-1 é
        assertThatThrownBy(() -> PromptJsonl.read(f)).isInstanceOf(AnchorException.class)
                .hasMessage(f + " line 2 is not valid UTF-8; save the file as UTF-8");
        assertThatThrownBy(() -> Utf8Lines.read(dir.resolve("none.jsonl"))).hasMessageEndingWith("none.jsonl: no such file");
        assertThatThrownBy(() -> PreferenceJsonl.read(dir)).hasMessageEndingWith("it is a directory, not a file");
    }
}
