package anchor.experiments;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Weights;
import anchor.ppo.PpoInputs;
import anchor.ppo.PpoSettings;
import anchor.reward.RewardModel;
import anchor.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The no-kl and critic-free experiments cut down to one update per arm, and the standard errors and verdicts on numbers made by hand. */
class NoKlTest {
    @Test
    void everyArmStartsFromTheSameEvaluationAndTheFilesAreWritten(@TempDir Path out) {
        var models = models();
        var arms = List.of(NoKl.Arm.fixed(0), NoKl.Arm.adaptive(0.05, 5.0, 10));
        var plan = new NoKl.Plan(PpoSettings.DEFAULTS.withSteps(1).withBatch(4).withLr(1e-4).withResponseLength(12).withEvalEvery(1), arms, List.of(3L), 4);
        List<NoKl.Point> points = NoKl.run(plan, models, new PrintWriter(new StringWriter()));

        assertThat(points).as("two evaluations per arm: before the update and after it").hasSize(4);
        NoKl.Point zero0 = points.get(0), adaptive0 = points.get(2), adaptive1 = points.get(3);
        assertThat(zero0.update()).isZero();
        assertThat(zero0.get("eval/kl")).as("the SFT policy is its own reference: KL exactly 0").isZero();
        assertThat(adaptive0.eval()).as("update 0 is the same SFT policy, prompts and draw in every arm").isEqualTo(zero0.eval());
        assertThat(points.get(1).beta()).as("β = 0 stays 0").isZero();
        assertThat(adaptive1.beta()).as("the adaptive β shrinks while the KL is under its target of 5 nats").isLessThan(0.05);
        assertThat(adaptive1.get("eval/kl")).as("one update moved the policy").isNotZero();

        ArmsReport.write(points, "header line", "", out, "no-kl");
        assertThat(out.resolve("no-kl.md")).content().startsWith("header line").contains("β=0", "adaptive β (KL→5)", "no difference");
        assertThat(out.resolve("no-kl.csv")).content().hasLineCount(5);
        assertThat(out.resolve("no-kl.png")).isRegularFile();
        assertThat(out.resolve("no-kl-proxy.png")).isRegularFile();
    }

    @Test
    void theOptionArmsChangeOnlyTheReferencePeriodAndTheValueModel() {
        var models = models();
        var data = new NoKl.Prompts(List.of(new int[]{1, 2}), List.of(new int[]{3}));
        var base = NoKl.OPTION_ARMS.get(0);
        var periodic = NoKl.OPTION_ARMS.get(1);
        var shared = NoKl.OPTION_ARMS.get(2);
        assertThat(NoKl.OPTION_ARMS).extracting(NoKl.Arm::label).containsExactly("β=0.05", "β=0.05, KL every 5", "β=0.05, shared trunk");
        assertThat(base.settings(PpoSettings.DEFAULTS).klEvery()).isEqualTo(1);
        assertThat(periodic.settings(PpoSettings.DEFAULTS).klEvery()).isEqualTo(5);
        assertThat(shared.settings(PpoSettings.DEFAULTS)).isEqualTo(PpoSettings.DEFAULTS);
        assertThat(base.inputs(models, data).value()).as("TRL: the value model starts from the reward model").isEqualTo(PpoInputs.ValueStart.REWARD_MODEL);
        assertThat(periodic.inputs(models, data).value()).isEqualTo(PpoInputs.ValueStart.REWARD_MODEL);
        assertThat(shared.inputs(models, data).value()).as("Ziegler: no separate value model").isEqualTo(PpoInputs.ValueStart.SHARED_TRUNK);
        assertThat(base.inputs(models, data).reference()).as("the reference: a copy of the SFT policy").isEmpty();
        assertThat(List.of(base, periodic, shared)).allSatisfy(a -> assertThat(a.controller().beta()).isEqualTo(0.05));
    }

    @Test
    void criticFreeRunsPpoGrpoAndRlooFromTheSameStartAndMeasuresTheirCost(@TempDir Path out) {
        var plan = new NoKl.Plan(PpoSettings.DEFAULTS.withSteps(1).withBatch(4).withLr(1e-4).withResponseLength(12).withEvalEvery(1), NoKl.DEFAULT_ARMS, List.of(3L), 4);
        CriticFree.Result r = CriticFree.run(plan, 2, models(), new PrintWriter(new StringWriter()));
        assertThat(ArmsReport.arms(r.points())).containsExactly("PPO", "GRPO", "RLOO");
        for (String arm : List.of("GRPO", "RLOO")) {
            assertThat(ArmsReport.estimate(r.points(), arm, 0, "eval/gold")).as(arm + " starts where PPO starts")
                    .isEqualTo(ArmsReport.estimate(r.points(), "PPO", 0, "eval/gold"));
        }
        assertThat(r.costs()).hasSize(3).allSatisfy(c -> assertThat(c.minutes()).isPositive());
        ArmsReport.write(r.points(), "critic-free", CriticFree.costTable(r.costs()), out, "critic-free");
        assertThat(out.resolve("critic-free.md")).content().contains("| GRPO |", "| RLOO |", "peak resident (MiB)");
    }

    @Test
    void overoptimizationScoresBestOfNAndPpoWithEachProxyAndFitsGaosForms(@TempDir Path out) {
        var models = models();
        var plan = new Overoptimization.Plan(List.of(7, 9), 2, 4, PpoSettings.DEFAULTS.withSteps(1).withBatch(2).withResponseLength(8).withEvalEvery(1), List.of(3L));
        Overoptimization.Result r = Overoptimization.run(plan, size -> new Overoptimization.Proxy(models.reward(), RewardModel.Normalization.IDENTITY),
                new PrintWriter(new StringWriter()));
        assertThat(r.bon()).as("n = 1, 2, 4 for each of two proxies").hasSize(6);
        assertThat(r.bon().get(0).klBound()).as("n = 1: no selection").isZero();
        assertThat(r.bon().get(0).gold()).as("n = 1 is the SFT policy's mean gold").isEqualTo(r.sftGold());
        for (var row : r.bon()) assertThat(row.klExact()).as("the exact KL never exceeds the bound").isLessThanOrEqualTo(row.klBound() + 1e-12);
        assertThat(ArmsReport.arms(r.rl())).containsExactly("proxy on 7 pairs, PPO β=0", "proxy on 9 pairs, PPO β=0");
        OveroptimizationReport.write(r, "header", out);
        assertThat(out.resolve("overoptimization.md")).content().contains("| best-of-n, proxy on 7 pairs | d·(α − β·d) |", "d·(α − β·ln d)");
        assertThat(out.resolve("overoptimization.csv")).content().hasLineCount(1 + 6 + 4);
        assertThat(out.resolve("overoptimization.png")).isRegularFile();
    }

    static NoKl.Models models() {
        Gpt2Weights sft = HfCheckpoint.load(World.sftDirectory()).withoutScoreHead();
        float[] head = new float[sft.config().nEmbd()];
        Random r = new Random(1);
        for (int i = 0; i < head.length; i++) head[i] = (float) (0.1 * r.nextGaussian());
        return new NoKl.Models(sft, sft.withScoreHead(head), RewardModel.Normalization.IDENTITY);
    }

    @Test
    void theStandardErrorIsTheLargerOfTheSeedSpreadAndTheSamplingError() {
        List<NoKl.Point> points = List.of(point("a", 0, 1.0, 0.3), point("a", 1, 1.2, 0.4), point("b", 0, 2.0, 0.01), point("b", 1, 3.0, 0.01));
        ArmsReport.Estimate a = ArmsReport.estimate(points, "a", 5, "eval/gold"), b = ArmsReport.estimate(points, "b", 5, "eval/gold");
        assertThat(a.mean()).isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(a.se()).as("seeds agree (spread 0.1): the sampling error √(0.3² + 0.4²) / 2 = 0.25 is the floor")
                .isEqualTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(b.se()).as("seeds disagree: sd / √2 = 0.5 over the sampling error").isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ArmsReport.difference(b, a)).as("1.4 ± 0.56: over two standard errors").isEqualTo("+1.400 ± 0.559");
        assertThat(ArmsReport.difference(a, ArmsReport.estimate(points, "a", 5, "eval/gold"))).endsWith(": no difference");
    }

    private static NoKl.Point point(String arm, long seed, double gold, double se) {
        return new NoKl.Point(arm, seed, 5, 0.1, Map.of("eval/gold", gold, "eval/gold_se", se));
    }
}
