package anchor.dpo;

import anchor.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A cut-down reference-free experiment: one step per run, four evaluation prompts. */
class ExperimentCommandTest {
    @TempDir
    Path dir;

    @Test
    void referenceFreeExperimentWritesItsTableCsvAndPlot() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "experiment", "reference-free", "--steps", "1", "--batch", "2",
                "--prompts", "4", "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("| DPO |", "| reference-free |");
        var csv = Files.readAllLines(dir.resolve("reference-free.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(1)).startsWith("DPO,");
        assertThat(Files.size(dir.resolve("reference-free.png"))).isPositive();
        StringWriter o2 = new StringWriter(), e2 = new StringWriter();
        assertThat(Main.execute(new PrintWriter(o2), new PrintWriter(e2), "experiment", "stronger-reference")).isEqualTo(2);
        assertThat(e2.toString()).contains("not built yet");
    }
}
