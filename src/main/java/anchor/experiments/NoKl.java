package anchor.experiments;

import anchor.world.WorldJudge;
import anchor.Clock;
import anchor.AnchorException;
import anchor.gpt2.Gpt2Weights;
import anchor.kl.KlEstimators;
import anchor.ppo.PpoInputs;
import anchor.ppo.KlController;
import anchor.ppo.PpoRun;
import anchor.ppo.PpoSettings;
import anchor.ppo.PpoTrainer;
import anchor.ppo.PpoModels;
import anchor.ppo.HeldOutEvaluation;
import anchor.train.EvaluatedTrainer;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.RunLoop;
import anchor.world.PreferenceData;
import anchor.world.World;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Document 1, "What Can Go Wrong Without a Reference?", measured: PPO on the world at β = 0 beside fixed β &gt; 0 and
 * Ziegler et al.'s adaptive controller, every arm from the same SFT policy, reward model, prompts and seeds. Every
 * {@code evalEvery} updates and after the last one, the policy answers the world's held-out prompts (one sample each,
 * the same draw every time) and is scored by the proxy (the reward model it is trained on), the gold reward (known
 * exactly), the KL to the reference (per sequence, on the sampled tokens), the grammar checker (language drift) and
 * distinct-2 (collapse onto few outputs) — the three failure modes, each a number.
 */
public final class NoKl {
    private NoKl() {
    }

    /**
     * One arm: a fixed β, or the adaptive controller (initial β, target per-sequence KL, horizon); the reference run
     * every {@code klEvery} updates (document 1's option 3; 1: every update); the value model TRL's copy of the reward
     * model, or Ziegler's scalar head on the policy's trunk ({@code sharedTrunk}).
     */
    public record Arm(String label, double beta, double targetKl, double horizon, int klEvery, boolean sharedTrunk) {
        public static Arm fixed(double beta) {
            return new Arm("β=" + number(beta), beta, Double.NaN, Double.NaN, 1, false);
        }

        public static Arm adaptive(double initialBeta, double targetKl, double horizon) {
            return new Arm("adaptive β (KL→" + number(targetKl) + ")", initialBeta, targetKl, horizon, 1, false);
        }

        /** This arm with the reference run only every {@code n} updates and the held per-token KL in between. */
        public Arm withKlEvery(int n) {
            return new Arm(label + ", KL every " + n, beta, targetKl, horizon, n, sharedTrunk);
        }

        /** This arm with Ziegler's zero-initialised scalar head on the policy's trunk as the value model. */
        public Arm withSharedTrunk() {
            return new Arm(label + ", shared trunk", beta, targetKl, horizon, klEvery, true);
        }

        private static String number(double x) {
            return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
        }

        /** The run's settings: {@code s} with this arm's reference period. */
        PpoSettings settings(PpoSettings s) {
            return s.withKlEvery(klEvery);
        }

        /** The run's inputs: the world's ({@link #worldInputs}) with the value model this arm asks for. */
        PpoInputs inputs(Models in, Prompts data) {
            return worldInputs(in, data).withValue(sharedTrunk ? PpoInputs.ValueStart.SHARED_TRUNK : PpoInputs.ValueStart.REWARD_MODEL);
        }

        KlController controller() {
            return Double.isNaN(targetKl) ? KlController.fixed(beta) : KlController.adaptive(beta, targetKl, horizon);
        }
    }

    /**
     * The default set: β = 0 (no reference in the reward), 0.01, 0.05 (TRL's default), 0.2 (Ziegler's fixed value) and
     * the adaptive controller from 0.05 toward 1 nat per sequence. Its horizon is shortened from Ziegler's 10,000 to
     * 100 so that β can move within a short run: 16 rollouts per update change β by at most 3.2 % per update.
     */
    public static final List<Arm> DEFAULT_ARMS = List.of(Arm.fixed(0), Arm.fixed(0.01), Arm.fixed(0.05), Arm.fixed(0.2), Arm.adaptive(0.05, 1.0, 100));

    /**
     * Chapter 6's options at TRL's β = 0.05: every update with TRL's separate value model, document 1's option 3 (the
     * reference every 5 updates), and Ziegler's shared trunk ({@code anchor experiment ppo-options}).
     */
    public static final List<Arm> OPTION_ARMS = List.of(Arm.fixed(0.05), Arm.fixed(0.05).withKlEvery(5), Arm.fixed(0.05).withSharedTrunk());

    /**
     * @param ppo         the PPO settings every arm shares (steps, batch, lr, evalEvery; the seed is replaced per run)
     * @param seeds       one run per arm and seed
     * @param evalPrompts held-out prompts answered at each evaluation
     */
    public record Plan(PpoSettings ppo, List<Arm> arms, List<Long> seeds, int evalPrompts) {
        public Plan {
            if (arms.isEmpty() || seeds.isEmpty()) throw new AnchorException("at least one arm and one seed");
            if (ppo.evalEvery() < 1) throw new AnchorException("--eval-every must be >= 1 for this experiment");
            if (evalPrompts < 2) throw new AnchorException("--prompts must be >= 2 (standard errors need two samples)");
        }

        /** The defaults of {@code anchor experiment no-kl}: 20 updates of 16 rollouts at lr 1e-4 (chapter 6's demo), evaluated every 5. */
        public static Plan defaults(List<Long> seeds) {
            return new Plan(PpoSettings.DEFAULTS.withSteps(20).withLr(1e-4).withEvalEvery(5), DEFAULT_ARMS, seeds, 64);
        }
    }

    /** The frozen inputs: the SFT policy (also the reference), the reward model and its normalisation. */
    /**
     * A world run's inputs: the SFT model as policy and (an FP32 copy) reference, the reward model (the value model
     * starts from it), the world's prompts and its judge.
     */
    static PpoInputs worldInputs(Models in, Prompts data) {
        return PpoInputs.of(new PpoInputs.Source(in::sft, World.sftId()), new PpoInputs.Source(in::reward, "reward"), in.normalization(), data.train(), "world")
                .withEvaluation(WorldJudge.INSTANCE, data.eval());
    }

    public record Models(Gpt2Weights sft, Gpt2Weights reward, RewardModel.Normalization normalization) {
    }

    /** One evaluation of one run: before update {@code update} (update = steps: after the last one), with β as it was then. */
    public record Point(String arm, long seed, int update, double beta, Map<String, Object> eval) {
        public double get(String metric) {
            return ((Number) eval.get(metric)).doubleValue();
        }
    }

    /** The world's 512 training prompts and the first {@code evalPrompts} held-out prompts, as token ids. */
    public record Prompts(List<int[]> train, List<int[]> eval) {
    }

    static Prompts prompts(int evalPrompts) {
        Gpt2Tokenizer tok = World.tokenizer();
        List<int[]> train = new ArrayList<>(), eval = new ArrayList<>();
        for (String p : PreferenceData.prompts(World.TRAIN_PROMPT_SEED, 512)) train.add(tok.encode(p));
        for (String p : PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, evalPrompts)) eval.add(tok.encode(p));
        return new Prompts(train, eval);
    }

    /** Every arm × seed run; the evaluation points in run order. */
    public static List<Point> run(Plan plan, Models models, PrintWriter log) {
        Prompts data = prompts(plan.evalPrompts());
        List<Point> points = new ArrayList<>();
        for (long seed : plan.seeds()) {
            for (Arm arm : plan.arms()) {
                long t0 = System.nanoTime();
                points.addAll(runOne(plan.ppo().withSeed(seed), arm, seed, models, data));
                log.printf("anchor: PPO %s, seed %d: %d updates in %.1f min%n", arm.label(), seed, plan.ppo().steps(), Clock.minutesSince(t0));
            }
        }
        return points;
    }

    static List<Point> runOne(PpoSettings s, Arm arm, long seed, Models in, Prompts data) {
        KlController controller = arm.controller();
        PpoSettings armSettings = arm.settings(s);
        PpoModels models = PpoRun.models(arm.inputs(in, data));
        var trainer = evaluated(new PpoTrainer(models, data.train(), armSettings, controller, KlEstimators.Estimator.K1), models, armSettings, data);
        List<Map<String, Object>> rows = RunLoop.run(trainer, RunLoop.Options.inMemory("ppo", s.steps())).rows();
        return points(arm.label(), seed, rows, s.steps(), controller.beta(), trainer.evaluateNow(s.steps()));
    }

    /** A PPO, GRPO or RLOO trainer evaluated on the held-out prompts every {@code s.evalEvery()} updates from update 0 (the experiments' one evaluation). */
    static EvaluatedTrainer evaluated(RunLoop.Trainer trainer, PpoModels models, PpoSettings s, Prompts data) {
        return new EvaluatedTrainer(trainer, s.evalEvery(), true, () -> HeldOutEvaluation.of(models, data.eval(), s, WorldJudge.INSTANCE));
    }

    /** The evaluations logged in a run's rows (before their update), and {@code finalEval} after the last of {@code steps} updates. */
    static List<Point> points(String arm, long seed, List<Map<String, Object>> rows, int steps, double betaAfter, Map<String, Object> finalEval) {
        List<Point> points = new ArrayList<>();
        for (int step = 0; step < rows.size(); step++) {
            Map<String, Object> r = rows.get(step);
            if (!r.containsKey("eval/gold")) continue;
            points.add(new Point(arm, seed, step, ((Number) r.get("objective/kl_coef")).doubleValue(), evalOnly(r)));
        }
        points.add(new Point(arm, seed, steps, betaAfter, finalEval));
        return points;
    }

    private static Map<String, Object> evalOnly(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (k.startsWith("eval/")) out.put(k, v);
        });
        return out;
    }
}
