package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoTrainer;
import anchor.dpo.Experiments;
import anchor.dpo.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

@Command(name = "experiment", description = "Document 2's questions on the world: beta-sweep, reference-free (tables, CSV and PNG under --out).")
final class ExperimentCommand implements Runnable {
    @Parameters(paramLabel = "NAME", description = "beta-sweep or reference-free")
    String name;
    @Option(names = "--betas", defaultValue = "0.001,0.003,0.01,0.03,0.1,0.3,1.0")
    String betas;
    @Option(names = "--beta", defaultValue = "0.1", description = "β of the reference-free comparison.")
    double beta;
    @Option(names = "--seeds", defaultValue = "0")
    String seeds;
    @Option(names = "--steps", defaultValue = "60")
    int steps;
    @Option(names = "--batch", defaultValue = "8")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-4")
    double lr;
    @Option(names = "--prompts", defaultValue = "128")
    int prompts;
    @Option(names = "--out", defaultValue = "runs/experiments", paramLabel = "DIR")
    Path out;
    @Option(names = "--verbose")
    boolean verbose;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Experiments.Plan plan = new Experiments.Plan(steps, batch, lr, prompts,
                Arrays.stream(seeds.split(",")).map(String::trim).map(Long::parseLong).toList());
        Gpt2Weights sft = HfCheckpoint.load(World.sftDirectory());
        Gpt2Model reference = Gpt2Model.of(sft).frozenCopy();
        List<PreferenceBatch> data = DpoTrainer.tokenize(World.trainPairs(), new DpoTrainer.Settings(0.1, DpoLoss.Variant.SIGMOID, 0, 1, 1, World.SEQ_LEN, 1, 0, true, true));
        double[][] pre = DpoTrainer.referenceLogps(reference, data, batch);
        List<Experiments.Row> rows = new ArrayList<>();
        var err = spec.commandLine().getErr();
        switch (name) {
            case "beta-sweep" -> {
                for (String b : betas.split(",")) {
                    for (long seed : plan.seeds()) {
                        double bv = Double.parseDouble(b.trim());
                        err.printf("anchor: beta-sweep: β = %s, seed %d%n", b.trim(), seed);
                        rows.add(Experiments.run("β=" + b.trim(), sft, reference, pre, data, DpoLoss.Variant.SIGMOID, bv, seed, plan));
                    }
                }
                Experiments.write(rows, out, "beta-sweep", "β", true);
            }
            case "reference-free" -> {
                for (long seed : plan.seeds()) {
                    for (DpoLoss.Variant v : new DpoLoss.Variant[]{DpoLoss.Variant.SIGMOID, DpoLoss.Variant.REFERENCE_FREE}) {
                        err.printf("anchor: reference-free: %s, seed %d%n", v, seed);
                        rows.add(Experiments.run(v == DpoLoss.Variant.SIGMOID ? "DPO" : "reference-free", sft, reference, pre, data, v, beta, seed, plan));
                    }
                }
                Experiments.write(rows, out, "reference-free", "run", false);
            }
            default -> throw new AnchorException("unknown experiment '" + name + "' (beta-sweep or reference-free; stronger-reference and iterative are not built yet)");
        }
        spec.commandLine().getOut().print(readTable(out.resolve(name + ".md")));
    }

    private static String readTable(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new AnchorException("cannot read " + p);
        }
    }
}
