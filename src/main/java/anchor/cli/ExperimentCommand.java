package anchor.cli;

import anchor.Clock;
import anchor.AnchorException;
import anchor.experiments.Experiments;
import anchor.experiments.IterativeDpo;
import anchor.experiments.NoKl;
import anchor.experiments.Overoptimization;
import anchor.experiments.PpoArms;
import anchor.experiments.StrongerReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "experiment", description = "Document 2's questions and document 3's iterative DPO on the world: "
        + "beta-sweep, reference-free, stronger-reference, iterative; document 1's failure modes under PPO: no-kl; PPO beside GRPO and RLOO: critic-free; chapter 6's PPO options (periodic KL, shared trunk) with seeds: ppo-options; Gao et al.'s reward over-optimisation: overoptimization; "
        + "the reward–KL frontier of PPO and DPO: frontier (table, CSV and PNG under --out).")
final class ExperimentCommand implements Runnable {
    @Parameters(paramLabel = "NAME", description = "beta-sweep, reference-free, stronger-reference, iterative, no-kl, critic-free, ppo-options, overoptimization or frontier")
    String name;
    @Option(names = "--betas", description = "β values (beta-sweep: default 0.001,0.003,0.01,0.03,0.1,0.3,1.0; reference-free: every objective's grid, default 0.1,1,10 for DPO and the likelihood function and 1,10,100 for the posterior probability; "
            + "stronger-reference: default 0.1; no-kl: fixed β arms instead of the default 0,0.01,0.05,0.2 and adaptive)")
    String betas;
    @Option(names = "--ppo-betas", description = "frontier: PPO's fixed β (default 0.02,0.1,0.5).")
    String ppoBetas;
    @Option(names = "--dpo-betas", description = "frontier: DPO's β (default 0.1,1,10).")
    String dpoBetas;
    @Option(names = "--ppo-steps", description = "frontier: PPO updates per run (default 20; --steps sets DPO's, default 60).")
    Integer ppoSteps;
    @Option(names = "--evaluations", defaultValue = "4", description = "frontier: evaluations per run, evenly spaced, the last after the last step (default ${DEFAULT-VALUE}).")
    int evaluations;
    @Option(names = "--beta", defaultValue = "0.1", description = "β of iterative.")
    double beta;
    @Option(names = "--seeds", defaultValue = "0")
    String seeds;
    @Option(names = "--steps", description = "DPO steps per run, per round for iterative (default 60); updates per run for no-kl and critic-free (default 20) and ppo-options (default 30).")
    Integer steps;
    @Option(names = "--batch", description = "Pairs per DPO step (default 8); rollouts per PPO update for no-kl and critic-free (default 16).")
    Integer batch;
    @Option(names = "--lr", defaultValue = "1e-4")
    double lr;
    @Option(names = "--prompts", description = "Held-out prompts to evaluate on (default 128; no-kl and critic-free: 64; overoptimization: 32 for best-of-n).")
    Integer prompts;
    @Option(names = "--eval-every", defaultValue = "5", description = "no-kl, critic-free: evaluate every N updates, and after the last (default ${DEFAULT-VALUE}).")
    int evalEvery;
    @Option(names = "--samples", defaultValue = "256", description = "overoptimization: samples per prompt for best-of-n, a power of two (default ${DEFAULT-VALUE}).")
    int samples;
    @Option(names = "--group-size", defaultValue = "4", description = "critic-free: responses per prompt of GRPO and RLOO (default ${DEFAULT-VALUE}).")
    int groupSize;
    @Option(names = "--pairs", defaultValue = "0", description = "Training pairs to use (0: all 512); iterative samples as many new ones.")
    int pairs;
    @Option(names = "--reference-steps", defaultValue = "150,300", description = "stronger-reference: LM steps for the compatible,incompatible references.")
    String referenceSteps;
    @Option(names = "--out", defaultValue = "runs/experiments", paramLabel = "DIR")
    Path out;
    @picocli.CommandLine.Mixin
    Common common;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!List.of("beta-sweep", "reference-free", "stronger-reference", "iterative", "no-kl", "critic-free", "ppo-options", "overoptimization", "frontier").contains(name)) {
            throw new AnchorException("unknown experiment '" + name + "' (beta-sweep, reference-free, stronger-reference, iterative, no-kl, critic-free, ppo-options, overoptimization or frontier)");
        }
        List<Long> seedList = doubles(seeds, null).stream().map(d -> {
            if (d != Math.rint(d)) throw new AnchorException("--seeds must be whole numbers, got " + seeds);
            return d.longValue();
        }).toList();
        check();
        if (name.equals("no-kl") || name.equals("critic-free") || name.equals("ppo-options")) {
            ppoArms(seedList);
            return;
        }
        if (name.equals("frontier")) {
            frontier(seedList);
            return;
        }
        if (name.equals("overoptimization")) {
            var d = Overoptimization.Plan.defaults(seedList);
            var ppo = d.ppo().withLr(lr).withEvalEvery(evalEvery);
            if (steps != null) ppo = ppo.withSteps(steps);
            if (batch != null) ppo = ppo.withBatch(batch);
            var plan = new Overoptimization.Plan(d.pairSizes(), prompts == null ? d.prompts() : prompts, samples, ppo, seedList);
            long t0 = System.nanoTime();
            var r = Overoptimization.experiment(plan, out, spec.commandLine().getErr());
            printTable(name, Clock.minutesSince(t0), r);
            return;
        }
        Experiments.Plan plan = new Experiments.Plan(steps == null ? 60 : steps, batch == null ? 8 : batch, lr, prompts == null ? 128 : prompts, pairs, seedList);
        PrintWriter log = spec.commandLine().getErr();
        List<Double> betaList = doubles(betas, switch (name) {
            case "beta-sweep" -> "0.001,0.003,0.01,0.03,0.1,0.3,1.0";
            case "reference-free" -> "0.1,1,10";
            default -> "0.1";
        });
        List<Double> rs = doubles(referenceSteps, null);
        if (rs.size() != 2) throw new AnchorException("--reference-steps takes two numbers: compatible,incompatible");
        var budget = new StrongerReference.Budget(rs.get(0).intValue(), rs.get(1).intValue());
        long t0 = System.nanoTime();
        Experiments.Setup setup = Experiments.Setup.world(plan);
        List<Experiments.Row> rows = switch (name) {
            case "beta-sweep" -> Experiments.betaSweep(setup, betaList, log);
            case "reference-free" -> {
                Map<Experiments.Objective, List<Double>> grid = new LinkedHashMap<>();
                for (Experiments.Objective o : Experiments.Objective.values()) grid.put(o, betas == null ? o.defaultBetas : betaList);
                yield Experiments.referenceFree(setup, grid, log);
            }
            case "stronger-reference" -> StrongerReference.run(setup, betaList, budget, out, log);
            default -> IterativeDpo.run(setup, beta, log);
        };
        Experiments.write(rows, out, name, name.equals("beta-sweep") ? "β" : "run", name.equals("beta-sweep"));
        double minutes = Clock.minutesSince(t0);
        log.printf("anchor: %s took %.1f minutes%n", name, minutes);
        printTable(name, minutes, rows);
    }

    /** Every option and value checked, and --out written to, before the first arm trains ({@link ExperimentChecks}). */
    private void check() {
        ExperimentChecks.optionsTaken(name, spec.commandLine().getParseResult());
        ExperimentChecks.positive("--lr", lr);
        ExperimentChecks.positive("--beta", beta);
        if (betas != null) ExperimentChecks.betas("--betas", doubles(betas, null), name.equals("no-kl"));
        if (ppoBetas != null) ExperimentChecks.betas("--ppo-betas", doubles(ppoBetas, null), true);
        if (dpoBetas != null) ExperimentChecks.betas("--dpo-betas", doubles(dpoBetas, null), false);
        ExperimentChecks.atLeast("--steps", steps, 1);
        ExperimentChecks.atLeast("--ppo-steps", ppoSteps, 1);
        ExperimentChecks.atLeast("--batch", batch, 1);
        ExperimentChecks.atLeast("--prompts", prompts, 1);
        ExperimentChecks.atLeast("--eval-every", evalEvery, 1);
        if (name.equals("critic-free")) {
            ExperimentChecks.atLeast("--group-size", groupSize, 2);
            int b = batch != null ? batch : NoKl.Plan.defaults(List.of(0L)).ppo().batch();
            if (b % groupSize != 0) throw new AnchorException("--batch (" + b + ") must be a multiple of --group-size (" + groupSize + ")");
        }
        ExperimentChecks.writable(out);
    }

    /** Document 1's failure modes under PPO (no-kl), PPO beside GRPO and RLOO (critic-free), or chapter 6's options (ppo-options). */
    private void ppoArms(List<Long> seedList) {
        PrintWriter log = spec.commandLine().getErr();
        var d = NoKl.Plan.defaults(seedList);
        boolean options = name.equals("ppo-options");
        var ppo = d.ppo().withLr(lr).withEvalEvery(evalEvery).withSteps(steps != null ? steps : options ? 30 : d.ppo().steps());
        if (batch != null) ppo = ppo.withBatch(batch);
        List<NoKl.Arm> arms = options ? NoKl.OPTION_ARMS : d.arms();
        if (betas != null) arms = doubles(betas, null).stream().map(NoKl.Arm::fixed).toList();     // no-kl only (ExperimentChecks)
        var plan = new NoKl.Plan(ppo, arms, seedList, prompts == null ? d.evalPrompts() : prompts);
        long t0 = System.nanoTime();
        var experiment = switch (name) {
            case "no-kl" -> PpoArms.Experiment.NO_KL;
            case "critic-free" -> PpoArms.Experiment.CRITIC_FREE;
            default -> PpoArms.Experiment.PPO_OPTIONS;
        };
        List<NoKl.Point> points = PpoArms.run(experiment, plan, groupSize, out, log);
        printTable(name, Clock.minutesSince(t0), points);
    }

    /** The reward–KL frontier of PPO and DPO. */
    private void frontier(List<Long> seedList) {
        var d = anchor.experiments.Frontier.Plan.defaults(seedList);
        var ppo = d.ppo().withLr(lr);
        if (ppoSteps != null) ppo = ppo.withSteps(ppoSteps);
        if (pairs != 0) throw new AnchorException("frontier: --pairs must be 0 (PPO's reward model is trained on all 512 pairs; DPO must see the same)");
        var dpo = new Experiments.Plan(steps == null ? d.dpo().steps() : steps, batch == null ? d.dpo().batch() : batch, lr,
                prompts == null ? d.dpo().evalPrompts() : prompts, pairs, seedList);
        var plan = new anchor.experiments.Frontier.Plan(ppo, ppoBetas == null ? d.ppoBetas() : doubles(ppoBetas, null), dpo,
                dpoBetas == null ? d.dpoBetas() : doubles(dpoBetas, null), evaluations);
        long t0 = System.nanoTime();
        List<NoKl.Point> points = PpoArms.frontier(plan, out, spec.commandLine().getErr());
        printTable(name, Clock.minutesSince(t0), points);
    }

    private void printTable(String experiment, double minutes, Object rows) {
        try {
            spec.commandLine().getOut().print(Files.readString(out.resolve(experiment + ".md")));
        } catch (java.io.IOException e) {
            throw new AnchorException("cannot read " + out.resolve(experiment + ".md"));
        }
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("experiment", experiment);
            j.put("minutes", minutes);
            j.put("rows", rows);
            Common.printJson(spec.commandLine().getOut(), j);
        }
    }

    private static List<Double> doubles(String given, String fallback) {
        String s = given != null ? given : fallback;
        try {
            return Arrays.stream(s.split(",")).map(String::trim).map(Double::parseDouble).toList();
        } catch (NumberFormatException e) {
            throw new AnchorException("not a comma-separated list of numbers: '" + s + "'");
        }
    }
}
