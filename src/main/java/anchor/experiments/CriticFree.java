package anchor.experiments;

import anchor.Clock;
import anchor.kl.KlEstimators;
import anchor.ppo.GroupTrainer;
import anchor.ppo.KlController;
import anchor.ppo.PpoRun;
import anchor.ppo.PpoSettings;
import anchor.ppo.PpoTrainer;
import anchor.ppo.PpoModels;
import anchor.train.EvaluatedTrainer;
import anchor.train.RunLoop;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PPO beside the two critic-free estimators that share its rollouts: GRPO (DeepSeekMath: group-standardised scores,
 * k3 in the loss) and RLOO (Ahmadian et al. 2024: leave-one-out baseline, KL in the reward). Every arm makes the same
 * number of rollouts per update from the same SFT policy, reward model and seeds, and is evaluated on the same
 * held-out prompts; PPO answers {@code batch} prompts once each, GRPO and RLOO {@code batch / groupSize} prompts
 * {@code groupSize} times. Besides the world's kit, each arm's wall time and the process's peak resident memory during
 * it are measured (the peak is reset before each arm where Linux allows it).
 */
public final class CriticFree {
    private CriticFree() {
    }

    /** PPO's β (TRL: 0.05, k1 in the reward), RLOO's (TRL: 0.05, k1 summed into the reward), GRPO's (DeepSeekMath: 0.04, k3 in the loss). */
    public static final double PPO_BETA = 0.05, RLOO_BETA = 0.05, GRPO_BETA = 0.04;

    /** Wall time and peak memory of one run. */
    public record Cost(String arm, long seed, double minutes, long peakResidentBytes) {
    }

    public record Result(List<NoKl.Point> points, List<Cost> costs) {
    }

    public static Result run(NoKl.Plan plan, int groupSize, NoKl.Models models, PrintWriter log) {
        var data = NoKl.prompts(plan.evalPrompts());
        List<NoKl.Point> points = new ArrayList<>();
        List<Cost> costs = new ArrayList<>();
        for (long seed : plan.seeds()) {
            PpoSettings s = plan.ppo().withSeed(seed);
            for (String arm : List.of("PPO", "GRPO", "RLOO")) {
                resetPeak();
                long t0 = System.nanoTime();
                var inputs = NoKl.worldInputs(models, data);
                EvaluatedTrainer trainer;
                if (arm.equals("PPO")) {
                    PpoModels m = PpoRun.models(inputs);
                    trainer = NoKl.evaluated(new PpoTrainer(m, data.train(), s, KlController.fixed(PPO_BETA), KlEstimators.Estimator.K1), m, s, data);
                } else {
                    var g = new GroupTrainer.Settings(arm.equals("GRPO") ? GroupTrainer.Estimator.GRPO : GroupTrainer.Estimator.RLOO, groupSize,
                            arm.equals("GRPO") ? GRPO_BETA : RLOO_BETA);
                    PpoModels m = PpoRun.criticFreeModels(inputs);
                    trainer = NoKl.evaluated(new GroupTrainer(m, data.train(), s, g), m, s, data);
                }
                List<Map<String, Object>> rows = RunLoop.run(trainer, RunLoop.Options.inMemory(arm, s.steps())).rows();
                points.addAll(NoKl.points(arm, seed, rows, s.steps(), ((Number) rows.get(rows.size() - 1).get("objective/kl_coef")).doubleValue(), trainer.evaluateNow(s.steps())));
                double minutes = Clock.minutesSince(t0);
                costs.add(new Cost(arm, seed, minutes, PpoRun.peakResidentBytes()));
                log.printf("anchor: critic-free: %s, seed %d: %d updates in %.1f min%n", arm, seed, s.steps(), minutes);
            }
        }
        return new Result(points, costs);
    }

    /** The Markdown rows of wall time and peak memory per arm (means over seeds), for {@link ArmsReport#write}'s {@code extra}. */
    public static String costTable(List<Cost> costs) {
        StringBuilder b = new StringBuilder("\nCost per run (mean over seeds): wall time on this machine's 2 cores, and the process's peak resident memory "
                + "during the run (all models, activations and optimizer state; the JVM's heap included):\n\n| arm | minutes | peak resident (MiB) |\n|---|---|---|\n");
        for (String arm : costs.stream().map(Cost::arm).distinct().toList()) {
            double minutes = costs.stream().filter(c -> c.arm().equals(arm)).mapToDouble(Cost::minutes).average().orElse(Double.NaN);
            double peak = costs.stream().filter(c -> c.arm().equals(arm)).mapToDouble(c -> c.peakResidentBytes() / 1048576.0).average().orElse(Double.NaN);
            b.append(String.format(java.util.Locale.ROOT, "| %s | %.1f | %.0f |%n", arm, minutes, peak));
        }
        return b.toString();
    }

    /** Resets Linux's peak resident set (VmHWM) of this process, so the next reading is this arm's own; silently nothing elsewhere. */
    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak then covers the process so far, as the table's note says
        }
    }
}
