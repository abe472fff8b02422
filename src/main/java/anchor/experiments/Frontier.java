package anchor.experiments;

import anchor.world.WorldRewardModel;
import anchor.Clock;
import anchor.AnchorException;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoReference;
import anchor.gpt2.Gpt2Model;
import anchor.kl.KlEstimators;
import anchor.ppo.PpoModels;
import anchor.ppo.PpoRun;
import anchor.ppo.PpoSettings;
import anchor.ppo.PpoTrainer;
import anchor.train.RunLoop;
import anchor.train.EvaluatedTrainer;
import anchor.world.WorldEval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reward–KL frontier (Rafailov et al. 2023, the DPO paper, §6.1 and its Figure 2, left): gold reward against the KL
 * to the SFT model for PPO at several β and DPO at several β. Both start from the same SFT model and learn from the
 * same 512 preference pairs — PPO through the reward model trained on them ({@link WorldRewardModel}), DPO directly —
 * and every policy is scored by one kit, {@link WorldEval}: the same held-out prompts, one sample each at temperature
 * 1, the same SFT model's samples to win against, the KL summed over the sampled tokens. Each run is evaluated at
 * {@code evaluations} evenly spaced points, for every seed.
 *
 * <p>PPO samples its rollouts at T = 1 here (TRL's default is 0.7): at T = 1 PPO's KL-penalised reward and DPO's loss
 * aim at the same optimum, max E[r] − β·KL(π ‖ π_SFT), and the evaluation measures the very distribution each was
 * trained on.
 */
public final class Frontier {
    private Frontier() {
    }

    /** The methods; a point's arm is "PPO β=…" or "DPO β=…". */
    public static final String PPO = "PPO", DPO = "DPO";

    /**
     * @param ppo         PPO's settings (updates, rollouts, lr, temperature; the seed is replaced per run)
     * @param ppoBetas    PPO's fixed KL coefficients (k1 in the reward, per token)
     * @param dpo         DPO's steps, batch and lr, the evaluation prompts, and the seeds of both methods
     * @param dpoBetas    DPO's β
     * @param evaluations points per run, evenly spaced; the last after the last step
     */
    public record Plan(PpoSettings ppo, List<Double> ppoBetas, Experiments.Plan dpo, List<Double> dpoBetas, int evaluations) {
        public Plan {
            if (ppoBetas.isEmpty() || dpoBetas.isEmpty()) throw new AnchorException("frontier needs at least one PPO β and one DPO β");
            if (evaluations < 1 || evaluations > Math.min(ppo.steps(), dpo.steps())) {
                throw new AnchorException("--evaluations must be between 1 and the steps of a run, got " + evaluations);
            }
            if (dpo.evalPrompts() < 2) throw new AnchorException("--prompts must be >= 2 (standard errors need two samples)");
        }

        /**
         * The defaults of {@code anchor experiment frontier}: PPO as chapter 6's demonstration (20 updates of 16
         * rollouts, lr 1e-4) at T = 1, β = 0.02, 0.1, 0.5; DPO as chapter 5 (60 steps of 8 pairs, lr 1e-4), β = 0.1,
         * 1, 10; 128 held-out prompts; four evaluations per run.
         */
        public static Plan defaults(List<Long> seeds) {
            return new Plan(PpoSettings.DEFAULTS.withSteps(20).withLr(1e-4).withTemperature(1.0), List.of(0.02, 0.1, 0.5),
                    new Experiments.Plan(60, 8, 1e-4, 128, 0, seeds), List.of(0.1, 1.0, 10.0), 4);
        }
    }

    /** Every run's evaluation points (update = steps done), after one point for the SFT model itself (arm "SFT", update 0). */
    public static List<NoKl.Point> run(Plan plan, NoKl.Models models, PrintWriter log) {
        Experiments.Setup setup = Experiments.Setup.world(plan.dpo());
        List<NoKl.Point> points = new ArrayList<>();
        points.add(new NoKl.Point("SFT", 0, 0, Double.NaN, evaluate(setup, setup.sftModel())));
        List<int[]> train = NoKl.prompts(2).train();
        DpoReference.Precomputed reference = DpoReference.precompute(setup.sftModel(), setup.data(), plan.dpo().batch());
        for (long seed : plan.dpo().seeds()) {
            for (double beta : plan.ppoBetas()) {
                long t0 = System.nanoTime();
                NoKl.Arm arm = NoKl.Arm.fixed(beta);
                PpoSettings s = arm.settings(plan.ppo().withSeed(seed));
                PpoModels m = PpoRun.models(arm.inputs(models, new NoKl.Prompts(train, List.of())));
                var trainer = new PpoTrainer(m, train, s, arm.controller(), KlEstimators.Estimator.K1);
                points.addAll(evaluated(PPO + " " + arm.label(), seed, beta, trainer, m.policy(), s.steps(), plan.evaluations(), setup));
                log.printf("anchor: frontier: PPO %s, seed %d: %d updates in %.1f min%n", arm.label(), seed, s.steps(), Clock.minutesSince(t0));
            }
            for (double beta : plan.dpoBetas()) {
                long t0 = System.nanoTime();
                String label = NoKl.Arm.fixed(beta).label();
                Gpt2Model policy = Gpt2Model.of(setup.sft());
                int steps = plan.dpo().steps();
                var trainer = Experiments.dpoTrainer(plan.dpo(), policy, reference, setup.data(), DpoLoss.Variant.SIGMOID, beta, seed, steps);
                points.addAll(evaluated(DPO + " " + label, seed, beta, trainer, policy, steps, plan.evaluations(), setup));
                log.printf("anchor: frontier: DPO %s, seed %d: %d steps in %.1f min%n", label, seed, steps, Clock.minutesSince(t0));
            }
        }
        return points;
    }

    /** Runs {@code trainer} for {@code steps}, evaluating {@code policy} every steps / evaluations steps and after the last. */
    private static List<NoKl.Point> evaluated(String arm, long seed, double beta, RunLoop.Trainer trainer, Gpt2Model policy, int steps, int evaluations,
                                              Experiments.Setup setup) {
        var t = new EvaluatedTrainer(trainer, steps / evaluations, false, () -> evaluate(setup, policy));
        RunLoop.run(t, RunLoop.Options.inMemory(arm, steps));
        t.evaluateNow(steps);
        List<NoKl.Point> out = new ArrayList<>();
        t.evaluations().forEach((done, eval) -> out.add(new NoKl.Point(arm, seed, done, beta, eval)));
        return out;
    }

    /** The kit's report as {@code eval/*} metrics with their standard errors, the names {@link ArmsReport#estimate} reads. */
    static Map<String, Object> evaluate(Experiments.Setup setup, Gpt2Model policy) {
        WorldEval.Report r = WorldEval.evaluate(policy, setup.sftModel(), setup.baseline(), setup.prompts(), Experiments.EVAL_SEED);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval/gold", r.goldMean());
        m.put("eval/gold_se", r.goldSe());
        m.put("eval/kl", r.sampledKl());
        m.put("eval/kl_se", r.sampledKlSe());
        m.put("eval/win", r.winRateVsSft());
        m.put("eval/win_se", r.winRateSe());
        m.put("eval/well_formed", r.grammaticalRate());
        m.put("eval/well_formed_se", r.grammaticalSe());
        m.put("eval/length", r.meanLength());
        m.put("eval/length_se", r.lengthSe());
        m.put("eval/distinct_2", r.distinct2());
        return m;
    }
}
