package anchor.train;

import anchor.AnchorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one result writer: every file whole, replaced in one step, nothing temporary left behind; a bad directory is a one-line error. */
class ResultFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesTextsAndChartsAndReplacesOldOnesWhole() throws IOException {
        Path out = dir.resolve("results");
        var chart = ResultFiles.lineChart(200, 100, "t", "x", "y");
        chart.addSeries("s", List.of(0.0, 1.0), List.of(1.0, 2.0));
        ResultFiles.in(out).text("a.csv", "x\n1\n").text("a.md", "# old\n").chart("a.png", chart).write();
        ResultFiles.in(out).text("a.md", "# new\n").write();
        assertThat(Files.readString(out.resolve("a.csv"))).isEqualTo("x\n1\n");
        assertThat(Files.readString(out.resolve("a.md"))).isEqualTo("# new\n");
        byte[] png = Files.readAllBytes(out.resolve("a.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.csv", "a.md", "a.png");
        }
    }

    @Test
    void aDirectoryThatIsAFileIsAOneLineError() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "user data\n");
        assertThatThrownBy(() -> ResultFiles.in(file).text("a.csv", "x\n").write())
                .isInstanceOf(AnchorException.class).hasMessageStartingWith("cannot write results to " + file);
        assertThat(Files.readString(file)).isEqualTo("user data\n");
    }
}
