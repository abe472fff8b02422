package anchor.experiments;

import anchor.train.ResultFiles;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The over-optimisation experiment's files: {@code overoptimization.md} (best-of-n per proxy, PPO's evaluations per
 * proxy, Gao's fits), {@code overoptimization.csv} (every point: method, proxy, d, KL, proxy score, gold) and
 * {@code overoptimization.png} (gold and proxy against d = √KL).
 */
public final class OveroptimizationReport {
    private OveroptimizationReport() {
    }

    public static void write(Overoptimization.Result r, String header, Path out) {
        ResultFiles.in(out).text("overoptimization.md", markdown(r, header)).text("overoptimization.csv", csv(r)).chart("overoptimization.png", chart(r)).write();
    }

    static String markdown(Overoptimization.Result r, String header) {
        StringBuilder b = new StringBuilder(header).append("\n\nBest-of-n of the SFT policy (mean over prompts ± standard error; KL in nats per response):\n\n")
                .append("| proxy | n | KL bound log n − (n−1)/n | KL of the drawn samples' best-of-n | d = √bound | proxy score | gold reward |\n|---|---|---|---|---|---|---|\n");
        for (Overoptimization.BonRow x : r.bon()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f ± %.3f | %+.3f ± %.3f |%n", x.proxy(), x.n(), x.klBound(), x.klExact(),
                    Math.sqrt(x.klBound()), x.score(), x.scoreSe(), x.gold(), x.goldSe()));
        }
        b.append("\nPPO without a KL penalty on each proxy (means over seeds; KL measured on the held-out samples):\n\n")
                .append("| run | update | KL | d = √KL | proxy score | gold reward |\n|---|---|---|---|---|---|\n");
        for (String arm : ArmsReport.arms(r.rl())) {
            for (int u : ArmsReport.updates(r.rl())) {
                double kl = ArmsReport.estimate(r.rl(), arm, u, "eval/kl").mean();
                b.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %s | %s |%n", arm, u, kl, Math.sqrt(Math.max(0, kl)),
                        ArmsReport.estimate(r.rl(), arm, u, "eval/score").show(), ArmsReport.estimate(r.rl(), arm, u, "eval/gold").show()));
            }
        }
        b.append(String.format(Locale.ROOT, "%nGao et al.'s forms fitted to the gold gain over the SFT policy (best-of-n: its samples' mean, %+.3f; PPO: "
                        + "its evaluation at update 0), by least squares without intercept:%n%n", r.sftGold()))
                .append("| curve | form | α | β | R² | points |\n|---|---|---|---|---|---|\n");
        for (Curve c : curves(r)) {
            BestOfN.Fit f = c.bon() ? BestOfN.fitBon(c.d(), c.gain()) : BestOfN.fitRl(c.d(), c.gain());
            b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.2f | %d |%n", c.label(), c.bon() ? "d·(α − β·d)" : "d·(α − β·ln d)", f.alpha(), f.beta(), f.r2(), f.points()));
        }
        return b.toString();
    }

    /** One curve: its points' d and gold gain over the SFT policy, best-of-n (d from the bound) or PPO (d from the measured KL). */
    record Curve(String label, boolean bon, double[] d, double[] gain, double[] proxy) {
    }

    static List<Curve> curves(Overoptimization.Result r) {
        List<Curve> out = new ArrayList<>();
        for (String proxy : r.bon().stream().map(Overoptimization.BonRow::proxy).distinct().toList()) {
            var rows = r.bon().stream().filter(x -> x.proxy().equals(proxy)).toList();
            out.add(new Curve("best-of-n, " + proxy, true, rows.stream().mapToDouble(x -> Math.sqrt(x.klBound())).toArray(),
                    rows.stream().mapToDouble(x -> x.gold() - r.sftGold()).toArray(), rows.stream().mapToDouble(Overoptimization.BonRow::score).toArray()));
        }
        for (String arm : ArmsReport.arms(r.rl())) {
            var pts = r.rl().stream().filter(p -> p.arm().equals(arm)).toList();
            double start = ArmsReport.estimate(r.rl(), arm, 0, "eval/gold").mean();            // the SFT policy on PPO's own evaluation prompts
            out.add(new Curve(arm, false, pts.stream().mapToDouble(p -> Math.sqrt(Math.max(0, p.get("eval/kl")))).toArray(),
                    pts.stream().mapToDouble(p -> p.get("eval/gold") - start).toArray(), pts.stream().mapToDouble(p -> p.get("eval/score")).toArray()));
        }
        return out;
    }

    static String csv(Overoptimization.Result r) {
        StringBuilder b = new StringBuilder("method,proxy,seed,n_or_update,kl_bound,kl,proxy_score,proxy_score_se,gold,gold_se\n");
        for (Overoptimization.BonRow x : r.bon()) {
            b.append(String.format(Locale.ROOT, "best-of-n,\"%s\",,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", x.proxy(), x.n(), x.klBound(), x.klExact(), x.score(), x.scoreSe(), x.gold(), x.goldSe()));
        }
        for (NoKl.Point p : r.rl()) {
            b.append(String.format(Locale.ROOT, "ppo,\"%s\",%d,%d,,%.6f,%.6f,%.6f,%.6f,%.6f%n", p.arm(), p.seed(), p.update(), p.get("eval/kl"), p.get("eval/score"),
                    p.get("eval/score_se"), p.get("eval/gold"), p.get("eval/gold_se")));
        }
        return b.toString();
    }

    private static XYChart chart(Overoptimization.Result r) {
        XYChart chart = ResultFiles.lineChart(900, 550, "gold (solid) and proxy (dashed) against d = √KL to the SFT policy", "d = √KL (√nats)",
                "reward (gold: gain over SFT)");
        for (Curve c : curves(r)) {
            List<Double> d = new ArrayList<>(), g = new ArrayList<>(), p = new ArrayList<>();
            for (int i = 0; i < c.d().length; i++) {
                d.add(c.d()[i]);
                g.add(c.gain()[i]);
                p.add(c.proxy()[i]);
            }
            chart.addSeries("gold: " + c.label(), d, g);
            chart.addSeries("proxy: " + c.label(), d, p).setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        }
        return chart;
    }
}
