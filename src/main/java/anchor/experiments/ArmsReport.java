package anchor.experiments;

import anchor.train.ResultFiles;
import anchor.AnchorException;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The files of an experiment whose arms are PPO-style runs evaluated on the held-out prompts ({@link NoKl},
 * {@link CriticFree}): {@code NAME.csv} (every evaluation point), {@code NAME.md} (the last evaluation of each arm,
 * each arm against the first, and the means over updates) and {@code NAME.png} / {@code NAME-proxy.png} (gold and
 * proxy reward against the KL, one line per arm through its evaluations).
 *
 * <p>The standard error of an arm's mean over seeds is the larger of two numbers computed from the data: the spread
 * between seeds (sd / √seeds; none with one seed) and the evaluation's own sampling error (√Σ se² / seeds, from the
 * per-prompt standard errors). With two seeds the first alone rests on one degree of freedom and can be small by
 * chance; the second is a floor it cannot go below. A difference under two standard errors is "no difference".
 */
public final class ArmsReport {
    private ArmsReport() {
    }

    /** The metrics compared, with their table names; distinct-2 has no per-prompt standard error. */
    static final String[] METRICS = {"eval/score", "eval/gold", "eval/kl", "eval/well_formed", "eval/distinct_2", "eval/length"};
    static final String[] NAMES = {"proxy score", "gold reward", "KL per sequence (nats)", "grammatical", "distinct-2", "length (tokens)"};

    /** A mean over seeds and its standard error (see the class comment). */
    public record Estimate(double mean, double se, int n) {
        public String show() {
            return Double.isNaN(se) ? String.format(Locale.ROOT, "%.3f", mean) : String.format(Locale.ROOT, "%.3f ± %.3f", mean, se);
        }
    }

    /** {@code metric} of {@code arm} at {@code update}, over the seeds. */
    public static Estimate estimate(List<NoKl.Point> points, String arm, int update, String metric) {
        List<NoKl.Point> at = points.stream().filter(p -> p.arm().equals(arm) && p.update() == update).toList();
        if (at.isEmpty()) throw new AnchorException("no evaluation of " + arm + " at update " + update);
        boolean hasSe = at.get(0).eval().containsKey(metric + "_se");
        return over(at.stream().mapToDouble(p -> p.get(metric)).toArray(), hasSe ? at.stream().mapToDouble(p -> p.get(metric + "_se")).toArray() : null);
    }

    /**
     * The mean of one metric over seeds and its standard error, the larger of the seed spread (sd / √n; none with one
     * seed) and the sampling floor (√Σ se² / n; none when {@code ses} is null, for a metric without per-prompt errors).
     */
    public static Estimate over(double[] values, double[] ses) {
        int n = values.length;
        if (n == 0) throw new AnchorException("no values to average");
        double mean = 0, sampling = 0, spread = 0;
        for (double v : values) mean += v / n;
        if (ses != null) for (double se : ses) sampling += se * se;
        for (double v : values) spread += (v - mean) * (v - mean);
        double between = n > 1 ? Math.sqrt(spread / (n - 1) / n) : Double.NaN;
        double floor = ses != null ? Math.sqrt(sampling) / n : Double.NaN;
        double se = Double.isNaN(between) ? floor : Double.isNaN(floor) ? between : Math.max(between, floor);
        return new Estimate(mean, se, n);
    }

    /** "+0.120 ± 0.050" with the verdict: a difference under two standard errors is no difference. */
    public static String difference(Estimate a, Estimate b) {
        double d = a.mean() - b.mean(), se = Math.hypot(a.se(), b.se());
        if (Double.isNaN(se)) return String.format(Locale.ROOT, "%+.3f", d);
        return String.format(Locale.ROOT, "%+.3f ± %.3f%s", d, se, Math.abs(d) <= 2 * se ? ": no difference" : "");
    }

    /**
     * Writes NAME.csv, NAME.md, NAME.png and NAME-proxy.png; {@code header} opens the Markdown (settings, seeds, time)
     * and {@code extra} (may be empty) follows its first table.
     */
    public static void write(List<NoKl.Point> points, String header, String extra, Path out, String name) {
        ResultFiles.in(out).text(name + ".csv", csv(points)).text(name + ".md", markdown(points, header, extra))
                .chart(name + ".png", chart(points, "eval/gold", "gold reward"))
                .chart(name + "-proxy.png", chart(points, "eval/score", "proxy score (reward model)")).write();
    }

    static String csv(List<NoKl.Point> points) {
        StringBuilder b = new StringBuilder("arm,seed,update,beta");
        for (String m : METRICS) b.append(',').append(m.substring(5)).append(m.equals("eval/distinct_2") ? "" : "," + m.substring(5) + "_se");
        b.append('\n');
        for (NoKl.Point p : points) {
            b.append(String.format(Locale.ROOT, "\"%s\",%d,%d,%.6f", p.arm(), p.seed(), p.update(), p.beta()));
            for (String m : METRICS) {
                b.append(String.format(Locale.ROOT, ",%.6f", p.get(m)));
                if (!m.equals("eval/distinct_2")) b.append(String.format(Locale.ROOT, ",%.6f", p.get(m + "_se")));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String markdown(List<NoKl.Point> points, String header, String extra) {
        List<String> arms = arms(points);
        List<Integer> updates = updates(points);
        int last = updates.get(updates.size() - 1);
        StringBuilder b = new StringBuilder(header).append("\n\n");
        b.append("After the last update (mean over seeds ± standard error):\n\n| arm | β at the end |");
        for (String n : NAMES) b.append(' ').append(n).append(" |");
        b.append("\n|---|---|").append("---|".repeat(NAMES.length)).append('\n');
        b.append(row("SFT (update 0)", Double.NaN, points, arms.get(0), 0));
        for (String arm : arms) b.append(row(arm, meanBeta(points, arm, last), points, arm, last));
        b.append(extra);
        String base = arms.get(0);
        b.append("\nEach arm minus ").append(base).append(" after the last update:\n\n| arm |");
        for (String n : NAMES) b.append(' ').append(n).append(" |");
        b.append("\n|---|").append("---|".repeat(NAMES.length)).append('\n');
        for (String arm : arms.subList(1, arms.size())) {
            b.append("| ").append(arm).append(" |");
            for (String m : METRICS) b.append(' ').append(difference(estimate(points, arm, last, m), estimate(points, base, last, m))).append(" |");
            b.append('\n');
        }
        b.append("\nOver the updates (means over seeds: proxy / gold / KL per sequence):\n\n| update |");
        for (String arm : arms) b.append(' ').append(arm).append(" |");
        b.append("\n|---|").append("---|".repeat(arms.size())).append('\n');
        for (int u : updates(points)) {
            b.append("| ").append(u).append(" |");
            for (String arm : arms) {
                b.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f |", estimate(points, arm, u, "eval/score").mean(),
                        estimate(points, arm, u, "eval/gold").mean(), estimate(points, arm, u, "eval/kl").mean()));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String row(String label, double beta, List<NoKl.Point> points, String arm, int update) {
        StringBuilder b = new StringBuilder("| ").append(label).append(" | ").append(Double.isNaN(beta) ? "-" : String.format(Locale.ROOT, "%.4f", beta)).append(" |");
        for (String m : METRICS) b.append(' ').append(estimate(points, arm, update, m).show()).append(" |");
        return b.append('\n').toString();
    }

    private static double meanBeta(List<NoKl.Point> points, String arm, int update) {
        return points.stream().filter(p -> p.arm().equals(arm) && p.update() == update).mapToDouble(NoKl.Point::beta).average().orElse(Double.NaN);
    }

    static List<String> arms(List<NoKl.Point> points) {
        Set<String> s = new LinkedHashSet<>();
        for (NoKl.Point p : points) s.add(p.arm());
        return new ArrayList<>(s);
    }

    static List<Integer> updates(List<NoKl.Point> points) {
        return points.stream().map(NoKl.Point::update).distinct().sorted().toList();
    }

    /** {@code metric} against the KL, one line per arm through its evaluations (means over seeds). */
    private static XYChart chart(List<NoKl.Point> points, String metric, String title) {
        XYChart chart = ResultFiles.lineChart(800, 500, title + " against KL to the reference (held-out prompts)", "KL per sequence (nats)", title);
        for (String arm : arms(points)) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            for (int u : updates(points)) {
                x.add(estimate(points, arm, u, "eval/kl").mean());
                y.add(estimate(points, arm, u, metric).mean());
            }
            chart.addSeries(arm, x, y);
        }
        return chart;
    }
}
