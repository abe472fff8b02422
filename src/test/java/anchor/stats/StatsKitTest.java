package anchor.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The kit against scipy 1.17 (stats-fixtures.json, made by make_fixtures.py beside it): Student's t CDF and quantiles
 * over 1–1000 degrees of freedom, paired t (ttest_rel and the 95 % t interval of the mean difference), Holm's
 * adjusted p-values; then what the kit is for, in numbers.
 */
class StatsKitTest {
    static JsonNode fixtures() throws IOException {
        try (InputStream in = StatsKitTest.class.getResourceAsStream("/anchor/stats/stats-fixtures.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }

    @Test
    void studentTMatchesScipy() throws IOException {
        JsonNode f = fixtures();
        for (JsonNode c : f.get("t_cdf")) {
            assertThat(StudentT.cdf(c.get("t").asDouble(), c.get("df").asDouble())).as("cdf(%s; %s)", c.get("t"), c.get("df"))
                    .isCloseTo(c.get("cdf").asDouble(), within(1e-12));
        }
        for (JsonNode c : f.get("t_ppf")) {
            double q = c.get("q").asDouble();
            assertThat(StudentT.quantile(c.get("p").asDouble(), c.get("df").asDouble())).as("ppf(%s; %s)", c.get("p"), c.get("df"))
                    .isCloseTo(q, within(1e-9 * Math.max(1, Math.abs(q))));
        }
        assertThat(f.get("t_cdf").size()).isEqualTo(99);
        assertThat(f.get("t_ppf").size()).isEqualTo(88);
    }

    @Test
    void pairedDifferencesMatchScipysTtestRel() throws IOException {
        for (JsonNode c : fixtures().get("paired")) {
            Estimate d = Estimate.paired(doubles(c.get("a")), doubles(c.get("b")));
            assertThat(d.mean()).isCloseTo(c.get("mean").asDouble(), within(1e-12));
            assertThat(d.se()).isCloseTo(c.get("se").asDouble(), within(1e-12));
            assertThat(d.df()).isEqualTo(c.get("df").asInt());
            assertThat(d.t()).isCloseTo(c.get("t").asDouble(), within(1e-9));
            assertThat(d.p()).as("two-sided p").isCloseTo(c.get("p").asDouble(), within(1e-10));
            Estimate.Interval ci = d.interval(0.95);
            assertThat(ci.lower()).isCloseTo(c.get("lower95").asDouble(), within(1e-9));
            assertThat(ci.upper()).isCloseTo(c.get("upper95").asDouble(), within(1e-9));
            assertThat(ci.df()).isEqualTo(c.get("df").asInt());
        }
    }

    @Test
    void holmMatchesItsDefinition() throws IOException {
        for (JsonNode c : fixtures().get("holm")) {
            assertThat(Holm.adjust(doubles(c.get("p")))).containsExactly(doubles(c.get("adjusted")), within(1e-15));
        }
        assertThat(Holm.shown(0.05, 0.01, 0.04, 0.03, 0.005)).containsExactly(true, false, false, true);
    }

    @Test
    void twoSeedsCarryLittle() {
        // "beyond two standard errors" at 1 degree of freedom: P(|T| > 2) is about 0.30, not 0.05
        assertThat(StudentT.twoSidedP(2, 1)).isCloseTo(0.2952, within(1e-4));
        assertThat(StudentT.twoSidedP(2, 2)).isCloseTo(0.1835, within(1e-4));
        assertThat(StudentT.quantile(0.975, 1)).as("the 95 % multiplier at 2 seeds").isCloseTo(12.706, within(1e-3));
        // the same two arms, paired over shared seeds or (wrongly) as independent means
        double[] a = {0.41, 0.38, 0.52}, b = {0.12, 0.30, 0.25};
        Estimate paired = Estimate.paired(a, b);
        Estimate ea = Estimate.of(a), eb = Estimate.of(b);
        assertThat(paired.se()).as("pairing removes the seeds' shared part").isLessThan(Math.hypot(ea.se(), eb.se()));
        assertThat(paired.interval(0.95).toString()).isEqualTo("+0.213 [-0.075, 0.501] (95 %, t, 2 df)");
        assertThat(paired.interval(0.95).excludesZero()).as("not shown at 3 seeds").isFalse();
        int n = SeedsNeeded.forDifference(paired, 0.05, 1000);
        assertThat(n).as("seeds a 0.213 difference with this spread needs").isGreaterThan(3).isLessThan(20);
        double sd = paired.se() * Math.sqrt(3);
        assertThat(StudentT.quantile(0.975, n - 1) * sd / Math.sqrt(n)).isLessThan(paired.mean());
        assertThat(StudentT.quantile(0.975, n - 2) * sd / Math.sqrt(n - 1)).as("and not one fewer").isGreaterThanOrEqualTo(paired.mean());
        assertThat(SeedsNeeded.forDifference(0, 1, 0.05, 1000)).as("no difference: no number of seeds").isEqualTo(-1);
    }
}
