package anchor.dpo;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.reference.WeightDivergence;
import anchor.train.Checkpoint;
import anchor.train.Optimizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.bytedeco.javacpp.Pointer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plumbing around {@link DpoTrainer#step}: a run directory with per-step metrics ({@code metrics.jsonl} and
 * {@code metrics.csv} under TRL's names), curves ({@code loss.png}, {@code rewards.png}, {@code kl.png}), a checkpoint
 * every {@code saveEvery} steps written atomically ({@link Checkpoint}), exact resume from it (batches are a pure
 * function of (seed, step) and DPO runs without dropout), and a clean stop when the loss stops being a number, the
 * last good checkpoint kept.
 */
public final class DpoRun {
    private DpoRun() {
    }

    /** Where and how often to write; {@code out == null} writes nothing (experiments). */
    public record Output(Path out, int saveEvery, boolean progress) {
        public Output {
            if (saveEvery < 1) throw new AnchorException("--save-every must be >= 1");
        }
    }

    /** The run's metrics (resumed steps included), the step it started from, and the peak resident memory seen. */
    public record Result(List<Map<String, Object>> rows, int startStep, long peakPhysicalBytes) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int DIVERGENCE_EVERY = 10;

    /**
     * Trains {@code policy} in place for {@code s.steps()} optimizer steps. With an output directory that already holds
     * a checkpoint written with the same {@code settings}, training continues from it.
     */
    public static Result train(Gpt2Model policy, Gpt2Weights init, LanguageModel reference, double[][] precomputed,
                               List<PreferenceBatch> pairs, DpoTrainer.Settings s, Optimizer opt, ObjectNode settings, Output o) {
        Path out = o.out();
        int start = out == null ? 0 : Checkpoint.resume(out, policy, opt, settings);
        if (start > s.steps()) throw new AnchorException(out + "/checkpoint is at step " + start + ", past --steps " + s.steps());
        List<Map<String, Object>> rows = out == null ? new ArrayList<>() : readRows(out.resolve("metrics.jsonl"), start);
        int saved = start;
        long peak = Pointer.physicalBytes();
        ProgressBar bar = o.progress() ? new ProgressBarBuilder().setTaskName("dpo").setInitialMax(s.steps())
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        try {
            if (bar != null) bar.stepTo(start);
            for (int step = start; step < s.steps(); step++) {
                DpoTrainer.Metrics m;
                try {
                    m = DpoTrainer.step(policy, reference, precomputed, pairs, s, opt, step);
                } catch (DpoTrainer.Diverged e) {
                    if (out != null) writeMetrics(out, rows);
                    throw new AnchorException(e.getMessage() + "; training stopped. "
                            + (out == null ? "" : saved > 0 ? "The last good checkpoint (step " + saved + ") is in " + out.resolve("checkpoint")
                            : "No checkpoint had been written yet (--save-every " + o.saveEvery() + ")"));
                }
                Map<String, Object> row = m.toTrl();
                if ((step + 1) % DIVERGENCE_EVERY == 0 || step + 1 == s.steps()) {
                    row.put("weight_divergence", WeightDivergence.between(policy.weights(), init).relative());
                }
                rows.add(row);
                peak = Math.max(peak, Pointer.physicalBytes());
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format("loss %.3f acc %.2f", m.loss(), m.rewardsAccuracies()));
                }
                if (out != null && ((step + 1) % o.saveEvery() == 0 || step + 1 == s.steps())) {
                    Checkpoint.save(out, policy, opt, step + 1, settings);
                    saved = step + 1;
                    writeMetrics(out, rows);
                }
            }
        } finally {
            if (bar != null) bar.close();
        }
        return new Result(rows, start, peak);
    }

    static final String[] COLUMNS = {"step", "loss", "rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies",
            "logps/chosen", "logps/rejected", "kl", "grad_norm", "weight_divergence"};

    static void writeMetrics(Path out, List<Map<String, Object>> rows) {
        try {
            Files.createDirectories(out);
            StringBuilder jsonl = new StringBuilder(), csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
            for (Map<String, Object> r : rows) {
                jsonl.append(JSON.writeValueAsString(r)).append('\n');
                for (int i = 0; i < COLUMNS.length; i++) csv.append(i == 0 ? "" : ",").append(r.getOrDefault(COLUMNS[i], ""));
                csv.append('\n');
            }
            Files.writeString(out.resolve("metrics.jsonl"), jsonl);
            Files.writeString(out.resolve("metrics.csv"), csv);
            plot(out.resolve("loss.png"), "DPO loss", "loss", rows, "loss");
            plot(out.resolve("rewards.png"), "Implicit rewards β·(log π − log π_ref)", "reward", rows, "rewards/chosen", "rewards/rejected", "rewards/margins");
            if (rows.stream().anyMatch(r -> r.containsKey("kl"))) plot(out.resolve("kl.png"), "KL(π ‖ π_ref) per response token", "nats", rows, "kl");
        } catch (IOException e) {
            throw new AnchorException("cannot write metrics to " + out + ": " + e.getMessage(), e);
        }
    }

    private static void plot(Path file, String title, String yTitle, List<Map<String, Object>> rows, String... keys) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(400).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
        for (String k : keys) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                if (r.get(k) instanceof Number v) {
                    x.add(((Number) r.get("step")).doubleValue());
                    y.add(v.doubleValue());
                }
            }
            if (!x.isEmpty()) chart.addSeries(k, x, y).setMarker(SeriesMarkers.NONE);
        }
        if (!chart.getSeriesMap().isEmpty()) BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** The rows of an earlier run's {@code metrics.jsonl} before {@code upTo} (for resume). */
    static List<Map<String, Object>> readRows(Path jsonl, int upTo) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (upTo == 0 || !Files.exists(jsonl)) return rows;
        try {
            for (String line : Files.readAllLines(jsonl)) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                if (n.path("step").asInt() >= upTo) continue;
                Map<String, Object> r = new LinkedHashMap<>();
                n.fields().forEachRemaining(f -> r.put(f.getKey(), f.getValue().isInt() ? (Object) f.getValue().asInt() : f.getValue().asDouble()));
                rows.add(r);
            }
        } catch (IOException e) {
            throw new AnchorException("cannot read " + jsonl + " to resume: " + e.getMessage(), e);
        }
        return rows;
    }
}
