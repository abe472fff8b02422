package anchor.experiments;

import anchor.ppo.PpoSettings;
import anchor.train.TrainingCheckpoint;
import anchor.train.RunLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The frontier experiment cut down to two steps per run, the evaluation hook, and the dominance rule on numbers made by hand. */
class FrontierTest {
    @Test
    void ppoAndDpoStartFromTheSftPointAndAreScoredByTheSameKit(@TempDir Path out) {
        var plan = new Frontier.Plan(PpoSettings.DEFAULTS.withSteps(2).withBatch(4).withLr(1e-4).withTemperature(1.0).withResponseLength(8), List.of(0.1),
                new Experiments.Plan(2, 2, 1e-4, 4, 8, List.of(5L)), List.of(1.0), 2);
        List<NoKl.Point> points = Frontier.run(plan, NoKlTest.models(), new PrintWriter(new StringWriter()));

        assertThat(ArmsReport.arms(points)).containsExactly("SFT", "PPO β=0.1", "DPO β=1");
        assertThat(points.get(0).get("eval/kl")).as("the SFT model is its own reference: KL exactly 0").isZero();
        for (String arm : List.of("PPO β=0.1", "DPO β=1")) {
            assertThat(points.stream().filter(p -> p.arm().equals(arm)).map(NoKl.Point::update)).as(arm + ": after step 1 and after step 2").containsExactly(1, 2);
            assertThat(ArmsReport.estimate(points, arm, 2, "eval/kl").mean()).as(arm + " moved away from the SFT model").isNotZero();
            assertThat(points.stream().filter(p -> p.arm().equals(arm)).findFirst().orElseThrow().eval()).as("the same kit's metrics")
                    .containsOnlyKeys(points.get(0).eval().keySet());
        }

        FrontierReport.write(points, "header line", out);
        assertThat(out.resolve("frontier.md")).content().startsWith("header line").contains("| PPO β=0.1 | 2 |", "| DPO β=1 | 1 |", "of 2 PPO points are dominated");
        assertThat(out.resolve("frontier.csv")).content().hasLineCount(1 + 1 + 2 + 2);
        assertThat(out.resolve("frontier.png")).isRegularFile();
    }

    @Test
    void aPointDominatesOnlyWithMoreGoldBeyondTwoStandardErrorsAndNoMeasurablyLargerKl() {
        var base = mean("PPO β=1", 1.0, 0.1, 1.0, 0.1);
        assertThat(FrontierReport.dominates(mean("DPO β=1", 1.5, 0.1, 1.0, 0.1), base)).as("+0.5 ± 0.14 gold at the same KL").isTrue();
        assertThat(FrontierReport.dominates(mean("DPO β=1", 1.2, 0.1, 1.0, 0.1), base)).as("+0.2 ± 0.14: no difference").isFalse();
        assertThat(FrontierReport.dominates(mean("DPO β=1", 1.5, 0.1, 1.2, 0.1), base)).as("KL +0.2 ± 0.14 is no measurable increase").isTrue();
        assertThat(FrontierReport.dominates(mean("DPO β=1", 1.5, 0.1, 2.0, 0.1), base)).as("KL +1.0 ± 0.14: bought with more KL").isFalse();
        var all = List.of(base, mean("DPO β=1", 1.5, 0.1, 1.0, 0.1), mean("PPO β=2", 9, 0.1, 0, 0.1));
        assertThat(FrontierReport.dominatedBy(base, all)).as("only the other method's points count").containsExactly("DPO β=1 @5");
    }

    private static FrontierReport.Mean mean(String arm, double gold, double goldSe, double kl, double klSe) {
        return new FrontierReport.Mean(arm, 5, new ArmsReport.Estimate(kl, klSe, 2), new ArmsReport.Estimate(gold, goldSe, 2));
    }
}
