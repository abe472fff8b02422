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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    @picocli.CommandLine.Mixin
    Common common;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!List.of("beta-sweep", "reference-free", "stronger-reference", "iterative").contains(name)) {
            throw new AnchorException("unknown experiment '" + name + "' (beta-sweep, reference-free, stronger-reference or iterative)");
        }
        List<Long> seedList = doubles(seeds, null).stream().map(d -> {
            if (d != Math.rint(d)) throw new AnchorException("--seeds must be whole numbers, got " + seeds);
            return d.longValue();
        }).toList();
        Experiments.Plan plan = new Experiments.Plan(steps, batch, lr, prompts, pairs, seedList);
        PrintWriter log = spec.commandLine().getErr();
        List<Double> betaList = doubles(betas, name.equals("beta-sweep") ? "0.001,0.003,0.01,0.03,0.1,0.3,1.0" : "0.1");
        List<Double> rs = doubles(referenceSteps, null);
        if (rs.size() != 2) throw new AnchorException("--reference-steps takes two numbers: compatible,incompatible");
        var budget = new StrongerReference.Budget(rs.get(0).intValue(), rs.get(1).intValue());
        long t0 = System.nanoTime();
        Experiments.Setup setup = Experiments.Setup.world(plan);
        List<Experiments.Row> rows = switch (name) {
            case "beta-sweep" -> Experiments.betaSweep(setup, betaList, log);
            case "reference-free" -> Experiments.referenceFree(setup, beta, log);
            case "stronger-reference" -> StrongerReference.run(setup, betaList, budget, out, log);
            default -> IterativeDpo.run(setup, beta, log);
        };
        Experiments.write(rows, out, name, name.equals("beta-sweep") ? "β" : "run", name.equals("beta-sweep"));
        double minutes = (System.nanoTime() - t0) / 6e10;
        log.printf("anchor: %s took %.1f minutes%n", name, minutes);
        try {
            spec.commandLine().getOut().print(Files.readString(out.resolve(name + ".md")));
        } catch (java.io.IOException e) {
            throw new AnchorException("cannot read " + out.resolve(name + ".md"));
        }
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("experiment", name);
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
