package anchor.experiments;

import anchor.world.WorldEval;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SeedMeansTest {
    static Experiments.Row row(double beta, long seed, double gold, double goldSe, double chosen) {
        var e = new WorldEval.Report(128, gold, goldSe, 0.5, 0.04, 5.0, 0.5, 0.8, 0.03, 18.0, 0.8, 0.1, 0.6, 0.9, 12.0);
        return new Experiments.Row("β=" + beta, "SFT", beta, "sigmoid", seed, 120, 0.6, 0.7, chosen, e);
    }

    @Test
    void seedSpreadWinsWhenSeedsDisagree() {
        // gold 1.0 and -2.0: sd = 2.1213, sd/√2 = 1.5; floor √(0.2² + 0.2²)/2 = 0.1414
        var e = ArmsReport.over(new double[]{1.0, -2.0}, new double[]{0.2, 0.2});
        assertThat(e.mean()).isCloseTo(-0.5, within(1e-12));
        assertThat(e.se()).isCloseTo(1.5, within(1e-12));
    }

    @Test
    void samplingFloorWinsWhenSeedsAgreeByChance() {
        var e = ArmsReport.over(new double[]{1.0, 1.0}, new double[]{0.3, 0.4});
        assertThat(e.se()).isCloseTo(0.25, within(1e-12));       // √(0.09 + 0.16) / 2
        assertThat(ArmsReport.over(new double[]{1.0, 1.0}, null).se()).isZero();
        assertThat(ArmsReport.over(new double[]{2.0}, null).se()).isNaN();
    }

    @Test
    void groupsBySettingsAndComparesGoldWithTheBest() {
        List<Experiments.Row> rows = List.of(row(0.1, 0, -3.0, 0.2, -5), row(0.1, 1, -2.8, 0.2, -4),
                row(1.0, 0, 1.5, 0.2, -1), row(1.0, 1, -2.5, 0.25, -2));
        var groups = SeedMeans.groups(rows);
        assertThat(groups).hasSize(2);
        assertThat(groups.get(1).runs()).extracting(Experiments.Row::seed).containsExactly(0L, 1L);
        assertThat(groups.get(1).gold().mean()).isCloseTo(-0.5, within(1e-12));
        assertThat(groups.get(1).gold().se()).isCloseTo(2.0, within(1e-12));
        assertThat(groups.get(0).chosenLogpChange().mean()).isCloseTo(-4.5, within(1e-12));

        String md = SeedMeans.markdown(rows);
        // β = 1 has the higher mean gold (−0.5 against −2.9), and −2.4 ± hypot(0.1414, 2.0) = 2.005 is under two SE
        assertThat(md).contains("Gold against the best group (β=1.0)")
                .contains("| β=1.0 | SFT | 1.0 | 2 | -0.500 ± 2.000 |")
                .contains("-2.400 ± 2.005: no difference");
    }

    @Test
    void aReferenceModelsOwnRowIsComparedButNeverTheBest() {
        var e = new WorldEval.Report(128, 1.3, 0.2, 0.7, 0.04, 0.4, 0.07, 0.98, 0.01, 13.0, 0.5, 0.1, 0.68, 0.9, 12.0);
        var reference = new Experiments.Row("the reference itself", "-", Double.NaN, "sigmoid", 0, 0, Double.NaN, Double.NaN, 0.04, e);
        String md = SeedMeans.markdown(List.of(reference, row(0.1, 0, -3.0, 0.2, -5), row(0.1, 1, -2.8, 0.2, -4),
                row(1.0, 0, 1.0, 0.2, -1), row(1.0, 1, 0.8, 0.2, -1)));
        assertThat(md).contains("Gold against the best group (β=1.0)")
                .contains("| the reference itself | - | - | 1 | 1.300 ± 0.200 |");
    }

    @Test
    void singleSeedRunsGetNoMeansSection() {
        assertThat(SeedMeans.markdown(List.of(row(0.1, 0, -3.0, 0.2, -5), row(1.0, 0, 1.0, 0.2, -1)))).isEmpty();
    }
}
