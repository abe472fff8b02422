package anchor.experiments;

import anchor.world.WorldRewardModel;
import anchor.Clock;
import anchor.reward.RewardModel;
import anchor.world.World;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The world's PPO-family experiments as one call each: the SFT model and the cached reward model
 * ({@link WorldRewardModel}) loaded, the arms run ({@link NoKl} or {@link CriticFree}), the results written under
 * {@code out} by {@link ArmsReport} with a header that states the settings, seeds and time.
 */
public final class PpoArms {
    private PpoArms() {
    }

    /** no-kl: β arms; critic-free: PPO, GRPO, RLOO; ppo-options: chapter 6's options at one β. */
    public enum Experiment {
        NO_KL("no-kl"), CRITIC_FREE("critic-free"), PPO_OPTIONS("ppo-options");

        public final String command;

        Experiment(String command) {
            this.command = command;
        }
    }

    public static List<NoKl.Point> run(Experiment e, NoKl.Plan plan, int groupSize, Path out, PrintWriter log) {
        var models = worldModels(log);
        long t0 = System.nanoTime();
        List<NoKl.Point> points;
        String extra = "";
        if (e != Experiment.CRITIC_FREE) {
            points = NoKl.run(plan, models, log);
        } else {
            CriticFree.Result r = CriticFree.run(plan, groupSize, models, log);
            points = r.points();
            extra = CriticFree.costTable(r.costs());
        }
        double minutes = Clock.minutesSince(t0);
        var s = plan.ppo();
        String header = String.format(Locale.ROOT, "%s on the world: %d updates of %d rollouts, lr %s, T = %s, %d PPO epochs%s; seeds %s; "
                        + "%d held-out prompts, one sample each per evaluation; %.1f minutes on this machine.", e == Experiment.CRITIC_FREE ? "PPO, GRPO and RLOO" : "PPO",
                s.steps(), s.batch(), s.lr(), s.temperature(), s.ppoEpochs(), e != Experiment.CRITIC_FREE ? "" : String.format(Locale.ROOT,
                        " (GRPO and RLOO: %d prompts × %d responses; β: PPO %s, RLOO %s (k1 in the reward), GRPO %s (k3 in the loss))",
                        s.batch() / groupSize, groupSize, CriticFree.PPO_BETA, CriticFree.RLOO_BETA, CriticFree.GRPO_BETA),
                plan.seeds(), plan.evalPrompts(), minutes);
        String name = e.command;
        ArmsReport.write(points, header, extra, out, name);
        log.printf("anchor: %s took %.1f minutes; %s.md, .csv, .png and -proxy.png in %s%n", name, minutes, name, out);
        return points;
    }

    /** The SFT policy (also the reference) and the world's cached reward model, trained first if it is not there yet. */
    static NoKl.Models worldModels(PrintWriter log) {
        Path rm = WorldRewardModel.cached(log);
        return new NoKl.Models(World.sftWeights().withoutScoreHead(), RewardModel.load(rm), RewardModel.normalization(rm));
    }

    /** The reward–KL frontier of PPO and DPO ({@link Frontier}), written as frontier.md, .csv and .png. */
    public static List<NoKl.Point> frontier(Frontier.Plan plan, Path out, PrintWriter log) {
        var models = worldModels(log);
        long t0 = System.nanoTime();
        List<NoKl.Point> points = Frontier.run(plan, models, log);
        double minutes = Clock.minutesSince(t0);
        var p = plan.ppo();
        var d = plan.dpo();
        String header = String.format(Locale.ROOT, "PPO and DPO on the world, from the same SFT model and the same 512 preference pairs. PPO: %d updates of %d rollouts "
                        + "at T = %s, lr %s, %d PPO epochs, the reward model trained on the pairs, β = %s (k1 in the reward). DPO: %d steps of %d pairs, lr %s, "
                        + "β = %s. Seeds %s; every run evaluated %d times (after steps/%d, 2·steps/%d, …) on %d held-out prompts, one sample each at T = 1; "
                        + "KL to the SFT model summed over the sampled tokens; win rate against an independent SFT sample (not length-controlled). "
                        + "Mean over seeds ± standard error. %.1f minutes on this machine.",
                p.steps(), p.batch(), p.temperature(), p.lr(), p.ppoEpochs(), plan.ppoBetas(), d.steps(), d.batch(), d.lr(), plan.dpoBetas(), d.seeds(),
                plan.evaluations(), plan.evaluations(), plan.evaluations(), d.evalPrompts(), minutes);
        FrontierReport.write(points, header, out);
        log.printf("anchor: frontier took %.1f minutes; frontier.md, .csv and .png in %s%n", minutes, out);
        return points;
    }
}
