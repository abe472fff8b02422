package anchor.train;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The one metrics log of every run: a row of named numbers per step, written as {@code metrics.jsonl} (one JSON
 * object a line), {@code metrics.csv} (the layout's columns, or every key seen) and a PNG per curve. Each file is
 * written to a temporary name and moved into place ({@link ResultFiles}), so a reader never sees half a file. Non-finite values are left
 * out of a row (as TRL's logs do). Opened for a resumed run, it keeps the rows before the checkpoint's step and drops
 * the rest; a truncated last line (a kill while an older version appended) is dropped too.
 */
public final class MetricsLog {
    /** One PNG: {@code file} with the named columns against the step. */
    public record Curve(String file, String title, String yTitle, List<String> columns) {
        public Curve(String file, String title, String yTitle, String... columns) {
            this(file, title, yTitle, List.of(columns));
        }
    }

    /** The CSV's columns (empty: every key in the order first seen) and the curves to draw. */
    public record Layout(List<String> csvColumns, List<Curve> curves) {
        public static final Layout PLAIN = new Layout(List.of(), List.of());
    }

    public static final String JSONL = "metrics.jsonl", CSV = "metrics.csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path out;
    private final Layout layout;
    private final List<Map<String, Object>> rows;

    private MetricsLog(Path out, Layout layout, List<Map<String, Object>> rows) {
        this.out = out;
        this.layout = layout;
        this.rows = rows;
    }

    /** A log in {@code out} (null: kept in memory only) continuing a run at {@code resumeStep} (0: a new run). */
    public static MetricsLog open(Path out, Layout layout, int resumeStep) {
        List<Map<String, Object>> rows = out == null || resumeStep == 0 ? new ArrayList<>() : read(out.resolve(JSONL), resumeStep);
        return new MetricsLog(out, layout, rows);
    }

    public void add(Map<String, Object> row) {
        Map<String, Object> clean = new LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (!(v instanceof Double d && !Double.isFinite(d)) && !(v instanceof Float f && !Float.isFinite(f))) clean.put(k, v);
        });
        rows.add(clean);
    }

    public List<Map<String, Object>> rows() {
        return rows;
    }

    /** Writes the JSONL, the CSV and the curves (nothing without a directory), each atomically ({@link ResultFiles}). */
    public void write() {
        if (out == null) return;
        List<String> columns = layout.csvColumns().isEmpty() ? allKeys() : layout.csvColumns();
        StringBuilder jsonl = new StringBuilder(), csv = new StringBuilder(String.join(",", columns)).append('\n');
        try {
            for (Map<String, Object> r : rows) {
                jsonl.append(JSON.writeValueAsString(r)).append('\n');
                for (int i = 0; i < columns.size(); i++) csv.append(i == 0 ? "" : ",").append(r.getOrDefault(columns.get(i), ""));
                csv.append('\n');
            }
        } catch (IOException e) {
            throw new AnchorException("cannot write metrics to " + out + ": " + e.getMessage(), e);
        }
        ResultFiles files = ResultFiles.in(out).text(JSONL, jsonl).text(CSV, csv);
        for (Curve c : layout.curves()) {
            XYChart chart = plot(c);
            if (chart != null) files.chart(c.file(), chart);
        }
        files.write();
    }

    private List<String> allKeys() {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.addAll(r.keySet()));
        return new ArrayList<>(keys);
    }

    /** The curve's chart, or null when none of its columns has a value yet. */
    private XYChart plot(Curve c) {
        XYChart chart = ResultFiles.lineChart(800, 450, c.title(), "step", c.yTitle());
        for (String k : c.columns()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                if (r.get(k) instanceof Number v && r.get("step") instanceof Number s) {
                    x.add(s.doubleValue());
                    y.add(v.doubleValue());
                }
            }
            if (!x.isEmpty()) chart.addSeries(k, x, y).setMarker(SeriesMarkers.NONE);
        }
        return chart.getSeriesMap().isEmpty() ? null : chart;
    }

    /** The rows of an earlier run before {@code upTo}; a last line that does not parse (cut by a kill) is dropped. */
    static List<Map<String, Object>> read(Path jsonl, int upTo) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!Files.exists(jsonl)) return rows;
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl);
        } catch (IOException e) {
            throw new AnchorException("cannot read " + jsonl + " to resume: " + e.getMessage(), e);
        }
        int last = lines.size() - 1;
        while (last >= 0 && lines.get(last).isBlank()) last--;
        for (int i = 0; i <= last; i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                if (i == last) break; // a truncated last line: repaired by dropping it
                throw new AnchorException(jsonl + ", line " + (i + 1) + ": not valid JSON; cannot resume from this metrics log");
            }
            if (n == null || !n.isObject() || !n.path("step").isInt()) {
                if (i == last) break;
                throw new AnchorException(jsonl + ", line " + (i + 1) + ": not a metrics row (an object with an integer \"step\")");
            }
            if (n.get("step").asInt() >= upTo) continue;
            Map<String, Object> r = new LinkedHashMap<>();
            n.fields().forEachRemaining(f -> r.put(f.getKey(), value(f.getValue())));
            rows.add(r);
        }
        return rows;
    }

    private static Object value(JsonNode v) {
        if (v.isInt()) return v.asInt();
        if (v.isIntegralNumber()) return v.asLong();
        if (v.isNumber()) return v.asDouble();
        if (v.isBoolean()) return v.asBoolean();
        return v.asText();
    }
}
