package anchor.cli;

import anchor.AnchorException;
import anchor.experiments.Experiments;
import anchor.experiments.IterativeDpo;
import anchor.experiments.StrongerReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

@Command(name = "experiment", description = "Document 2's questions and document 3's iterative DPO on the world: "
        + "beta-sweep, reference-free, stronger-reference, iterative (table, CSV and PNG under --out).")
final class ExperimentCommand implements Runnable {
    @Parameters(paramLabel = "NAME", description = "beta-sweep, reference-free, stronger-reference or iterative")
    String name;
    @Option(names = "--betas", description = "β values (beta-sweep: default 0.001,0.003,0.01,0.03,0.1,0.3,1.0; stronger-reference: default 0.1)")
    String betas;
    @Option(names = "--beta", defaultValue = "0.1", description = "β of reference-free and iterative.")
    double beta;
    @Option(names = "--seeds", defaultValue = "0")
    String seeds;
    @Option(names = "--steps", defaultValue = "60", description = "DPO steps per run (per round for iterative).")
    int steps;
    @Option(names = "--batch", defaultValue = "8")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-4")
    double lr;
    @Option(names = "--prompts", defaultValue = "128", description = "Held-out prompts to evaluate on.")
    int prompts;
    @Option(names = "--pairs", defaultValue = "0", description = "Training pairs to use (0: all 512); iterative samples as many new ones.")
    int pairs;
    @Option(names = "--reference-steps", defaultValue = "150,300", description = "stronger-reference: LM steps for the compatible,incompatible references.")
    String referenceSteps;
    @Option(names = "--out", defaultValue = "runs/experiments", paramLabel = "DIR")
    Path out;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!List.of("beta-sweep", "reference-free", "stronger-reference", "iterative").contains(name)) {
            throw new AnchorException("unknown experiment '" + name + "' (beta-sweep, reference-free, stronger-reference or iterative)");
        }
        Experiments.Plan plan = new Experiments.Plan(steps, batch, lr, prompts, pairs, Arrays.stream(seeds.split(",")).map(String::trim).map(Long::parseLong).toList());
        PrintWriter log = spec.commandLine().getErr();
        List<Double> betaList = doubles(betas, name.equals("beta-sweep") ? "0.001,0.003,0.01,0.03,0.1,0.3,1.0" : "0.1");
        List<Double> rs = doubles(referenceSteps, null);
        if (rs.size() != 2) throw new AnchorException("--reference-steps takes two numbers: compatible,incompatible");
        var budget = new StrongerReference.Budget(rs.get(0).intValue(), rs.get(1).intValue());
        long t0 = System.nanoTime();
        Experiments.Setup setup = Experiments.Setup.world(plan);
        switch (name) {
            case "beta-sweep" -> Experiments.write(Experiments.betaSweep(setup, betaList, log), out, name, "β", true);
            case "reference-free" -> Experiments.write(Experiments.referenceFree(setup, beta, log), out, name, "run", false);
            case "stronger-reference" -> Experiments.write(StrongerReference.run(setup, betaList, budget, out, log), out, name, "run", false);
            default -> Experiments.write(IterativeDpo.run(setup, beta, log), out, name, "run", false);
        }
        log.printf("anchor: %s took %.1f minutes%n", name, (System.nanoTime() - t0) / 6e10);
        try {
            spec.commandLine().getOut().print(Files.readString(out.resolve(name + ".md")));
        } catch (java.io.IOException e) {
            throw new AnchorException("cannot read " + out.resolve(name + ".md"));
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
