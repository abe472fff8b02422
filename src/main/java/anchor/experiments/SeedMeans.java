package anchor.experiments;

import anchor.world.WorldEval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The means over seeds of a DPO experiment's runs ({@link Experiments.Row}s with the same run label, reference, β, loss
 * and steps), each ± the standard error of {@link ArmsReport#over} — the larger of the seed spread and the evaluation's
 * sampling error — and each group's gold reward against the best trained group's (a row without β, a reference model itself, is
 * compared but never the best), with the verdict (under two standard errors:
 * no difference). Chapter 5 quotes these tables; nothing in them is computed by hand.
 */
final class SeedMeans {
    private SeedMeans() {
    }

    /** One group's runs, in the order they ran. */
    record Group(String label, String reference, double beta, int steps, List<Experiments.Row> runs) {
        ArmsReport.Estimate of(ToDoubleFunction<WorldEval.Report> value, ToDoubleFunction<WorldEval.Report> se) {
            return ArmsReport.over(runs.stream().mapToDouble(r -> value.applyAsDouble(r.eval())).toArray(),
                    se == null ? null : runs.stream().mapToDouble(r -> se.applyAsDouble(r.eval())).toArray());
        }

        ArmsReport.Estimate chosenLogpChange() {
            return ArmsReport.over(runs.stream().mapToDouble(Experiments.Row::chosenLogpChange).toArray(), null);
        }

        ArmsReport.Estimate gold() {
            return of(WorldEval.Report::goldMean, WorldEval.Report::goldSe);
        }
    }

    /** What makes runs the same setting: everything but the seed. */
    private record Setting(String label, String reference, double beta, String loss, int steps) {
        static Setting of(Experiments.Row r) {
            return new Setting(r.label(), r.reference(), r.beta(), r.loss(), r.steps());
        }
    }

    static List<Group> groups(List<Experiments.Row> rows) {
        Map<Setting, List<Experiments.Row>> by = new LinkedHashMap<>();
        for (Experiments.Row r : rows) by.computeIfAbsent(Setting.of(r), k -> new ArrayList<>()).add(r);
        List<Group> out = new ArrayList<>();
        by.forEach((k, runs) -> out.add(new Group(k.label(), k.reference(), k.beta(), k.steps(), runs)));
        return out;
    }

    /** The Markdown section; empty when no group has two or more seeds (a single run has no seed spread to show). */
    static String markdown(List<Experiments.Row> rows) {
        List<Group> groups = groups(rows);
        if (groups.stream().allMatch(g -> g.runs().size() < 2)) return "";
        List<Group> trained = groups.stream().filter(g -> !Double.isNaN(g.beta())).toList();   // not a reference model's own row
        List<Group> candidates = trained.isEmpty() ? groups : trained;
        Group best = candidates.stream().max(java.util.Comparator.comparingDouble(g -> g.gold().mean())).orElseThrow();
        StringBuilder b = new StringBuilder("\nMeans over seeds, each ± the larger of the seed spread (sd / √seeds) and the evaluation's sampling "
                + "error (√Σ se² / seeds); distinct-2 and Δ log π(y_w) have the seed spread only. Gold against the best group (")
                .append(best.label()).append("): a difference under two standard errors is no difference.\n\n")
                .append("| run | reference | β | seeds | gold reward | win rate vs SFT | length | KL to ref | grammatical | distinct-2 | Δ log π(y_w) | gold minus the best |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Group g : groups) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", g.label(), g.reference(),
                    Double.isNaN(g.beta()) ? "-" : Double.toString(g.beta()), g.runs().size(),
                    g.gold().show(), g.of(WorldEval.Report::winRateVsSft, WorldEval.Report::winRateSe).show(),
                    g.of(WorldEval.Report::meanLength, WorldEval.Report::lengthSe).show(),
                    g.of(WorldEval.Report::sampledKl, WorldEval.Report::sampledKlSe).show(),
                    g.of(WorldEval.Report::grammaticalRate, WorldEval.Report::grammaticalSe).show(),
                    g.of(WorldEval.Report::distinct2, null).show(), g.chosenLogpChange().show(),
                    g == best ? "—" : ArmsReport.difference(g.gold(), best.gold())));
        }
        return b.toString();
    }
}
