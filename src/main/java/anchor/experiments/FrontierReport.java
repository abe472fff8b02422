package anchor.experiments;

import anchor.train.ResultFiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files of {@link Frontier}: {@code frontier.csv} (every evaluation of every seed), {@code frontier.md} (each arm's
 * points, means over seeds ± standard errors as {@link ArmsReport#estimate} computes them, and which points of the
 * other method dominate each one) and {@code frontier.png} (gold reward against KL, bars of one standard error).
 *
 * <p>A point P <em>dominates</em> a point Q when P's gold reward is higher by more than two standard errors of the
 * difference while P's KL is not higher by more than two standard errors of that difference: more reward for no
 * measurably larger KL. A difference under two standard errors is no difference, so equal-looking points dominate
 * nothing.
 */
public final class FrontierReport {
    private FrontierReport() {
    }

    static final String[] METRICS = {"eval/kl", "eval/gold", "eval/win", "eval/well_formed", "eval/length"};

    /** One arm's point: the means over seeds at {@code steps} steps. */
    record Mean(String arm, int steps, ArmsReport.Estimate kl, ArmsReport.Estimate gold) {
        String label() {
            return arm + " @" + steps;
        }

        String method() {
            return arm.split(" ")[0];
        }
    }

    static List<Mean> means(List<NoKl.Point> points) {
        List<Mean> out = new ArrayList<>();
        for (String arm : ArmsReport.arms(points)) {
            for (int u : points.stream().filter(p -> p.arm().equals(arm)).map(NoKl.Point::update).distinct().sorted().toList()) {
                out.add(new Mean(arm, u, ArmsReport.estimate(points, arm, u, "eval/kl"), ArmsReport.estimate(points, arm, u, "eval/gold")));
            }
        }
        return out;
    }

    /** Whether {@code p} dominates {@code q} (see the class comment). */
    static boolean dominates(Mean p, Mean q) {
        double gold = p.gold().mean() - q.gold().mean(), goldSe = Math.hypot(p.gold().se(), q.gold().se());
        double kl = p.kl().mean() - q.kl().mean(), klSe = Math.hypot(p.kl().se(), q.kl().se());
        return gold > 2 * goldSe && kl <= 2 * klSe;
    }

    /** The labels of the other method's points that dominate {@code q}. */
    static List<String> dominatedBy(Mean q, List<Mean> all) {
        return all.stream().filter(p -> !p.method().equals(q.method()) && !p.method().equals("SFT") && dominates(p, q)).map(Mean::label).toList();
    }

    public static void write(List<NoKl.Point> points, String header, Path out) {
        ResultFiles.in(out).text("frontier.csv", csv(points)).text("frontier.md", markdown(points, header)).chart("frontier.png", chart(points)).write();
    }

    static String csv(List<NoKl.Point> points) {
        StringBuilder b = new StringBuilder("arm,beta,seed,steps");
        for (String m : METRICS) b.append(',').append(m.substring(5)).append(',').append(m.substring(5)).append("_se");
        b.append(",distinct_2\n");
        for (NoKl.Point p : points) {
            b.append(String.format(Locale.ROOT, "\"%s\",%s,%d,%d", p.arm(), Double.isNaN(p.beta()) ? "" : Double.toString(p.beta()), p.seed(), p.update()));
            for (String m : METRICS) b.append(String.format(Locale.ROOT, ",%.6f,%.6f", p.get(m), p.get(m + "_se")));
            b.append(String.format(Locale.ROOT, ",%.6f%n", p.get("eval/distinct_2")));
        }
        return b.toString();
    }

    static String markdown(List<NoKl.Point> points, String header) {
        List<Mean> means = means(points);
        StringBuilder b = new StringBuilder(header).append("\n\n| arm | steps | KL to SFT (nats / sequence) | gold reward | win rate vs SFT | grammatical "
                + "| length (tokens) | dominated by |\n|---|---|---|---|---|---|---|---|\n");
        for (Mean m : means) {
            b.append("| ").append(m.arm()).append(" | ").append(m.steps()).append(" |");
            for (String metric : METRICS) b.append(' ').append(ArmsReport.estimate(points, m.arm(), m.steps(), metric).show()).append(" |");
            List<String> by = dominatedBy(m, means);
            b.append(' ').append(m.method().equals("SFT") ? "-" : by.isEmpty() ? "none" : String.join(", ", by)).append(" |\n");
        }
        b.append('\n');
        for (String method : List.of(Frontier.PPO, Frontier.DPO)) {
            List<Mean> own = means.stream().filter(m -> m.method().equals(method)).toList();
            long dominated = own.stream().filter(m -> !dominatedBy(m, means).isEmpty()).count();
            b.append(String.format(Locale.ROOT, "%d of %d %s points are dominated by a point of the other method.%n", dominated, own.size(), method));
        }
        b.append("\nDominated: the other point's gold reward is higher by more than two standard errors of the difference while its KL is not "
                + "higher by more than two standard errors of that difference. Standard errors: the larger of the seed spread and the evaluation's sampling error.\n");
        return b.toString();
    }

    /** Gold reward against KL, one line per arm from the SFT point through its evaluations; PPO solid, DPO dashed; bars ± one standard error. */
    private static XYChart chart(List<NoKl.Point> points) {
        XYChart chart = ResultFiles.lineChart(900, 550, "Reward–KL frontier on the world: PPO and DPO (held-out prompts, T = 1)",
                "KL(π ‖ π_SFT) per sequence (nats)", "gold reward");
        Mean sft = means(points).stream().filter(m -> m.method().equals("SFT")).findFirst().orElseThrow();
        for (String arm : ArmsReport.arms(points)) {
            if (arm.equals("SFT")) continue;
            List<Double> x = new ArrayList<>(List.of(sft.kl().mean())), y = new ArrayList<>(List.of(sft.gold().mean())), e = new ArrayList<>(List.of(sft.gold().se()));
            for (Mean m : means(points)) {
                if (!m.arm().equals(arm)) continue;
                x.add(m.kl().mean());
                y.add(m.gold().mean());
                e.add(m.gold().se());
            }
            XYSeries s = chart.addSeries(arm, x, y, e);
            if (arm.startsWith(Frontier.DPO)) s.setLineStyle(SeriesLines.DASH_DASH);
        }
        return chart;
    }
}
