package anchor.train;

import anchor.AnchorException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one writer of result files — a study's CSV, Markdown and PNG charts, and the metrics log's. Every file is written
 * whole into {@code NAME.tmp} beside it and then renamed over {@code NAME} in one step, so a kill leaves the old file
 * or the new one, never half of one. Use: {@code ResultFiles.in(out).text("a.csv", csv).text("a.md", md).chart("a.png", c).write()}.
 */
public final class ResultFiles {
    private final Path out;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, XYChart> charts = new LinkedHashMap<>();

    private ResultFiles(Path out) {
        this.out = out;
    }

    /** The files to be written into the directory {@code out} (created when written). */
    public static ResultFiles in(Path out) {
        return new ResultFiles(out);
    }

    public ResultFiles text(String name, CharSequence text) {
        files.put(name, text.toString().getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public ResultFiles chart(String name, XYChart chart) {
        charts.put(name, chart);
        return this;
    }

    /** Writes every file, each atomically; a failure names the directory in a one-line error. */
    public void write() {
        try {
            Files.createDirectories(out);
            for (var f : files.entrySet()) replace(out.resolve(f.getKey()), f.getValue());
            for (var c : charts.entrySet()) replace(out.resolve(c.getKey()), BitmapEncoder.getBitmapBytes(c.getValue(), BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new AnchorException("cannot write results to " + out + ": " + e.getMessage(), e);
        }
    }

    /** An empty line chart of {@code width} × {@code height} pixels. */
    public static XYChart lineChart(int width, int height, String title, String xTitle, String yTitle) {
        return new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    }

    /** {@code bytes} into {@code file}: written to {@code file.tmp}, then renamed over it. */
    static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
