package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.exact.ExactDpo;
import anchor.exact.ExactReward;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

@Command(name = "dpo", description = "DPO in the exact world on Bradley–Terry pairs of its reward, from the reference: the exact KL(π || π*) to the optimum of the same β, every --every steps.")
final class ExactDpoCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--reference", required = true, paramLabel = "DIR", description = "The reference and starting policy (anchor init --config gpt2-exact).")
    Path referenceDir;
    @Option(names = "--beta", defaultValue = "0.5")
    double beta;
    @Option(names = "--pairs", defaultValue = "512")
    int pairs;
    @Option(names = "--steps", defaultValue = "200")
    int steps;
    @Option(names = "--lr", defaultValue = "1e-2")
    double lr;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--every", defaultValue = "20")
    int every;
    @Option(names = "--max-len", defaultValue = "4")
    int maxLen;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (pairs < 1) throw new AnchorException("--pairs must be >= 1, got " + pairs);
        if (every < 1) throw new AnchorException("--every must be >= 1, got " + every);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new AnchorException("--lr must be a finite number > 0, got " + lr);
        Common.refuseNonLanguageModels("--reference", Common.str(referenceDir));
        var s = new ExactDpo.Settings(beta, pairs, steps, 16, lr, seed, every, maxLen);
        var points = ExactDpo.run(HfCheckpoint.load(referenceDir), ExactReward.DEFAULT, s);
        var out = spec.commandLine().getOut();
        if (common.json) {
            var rows = new java.util.ArrayList<Map<String, Object>>();
            for (var p : points) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", p.step());
                row.put("kl_to_optimum", p.klToOptimum());
                row.put("kl", p.klToReference());
                row.put("objective", p.objective());
                rows.add(row);
            }
            Common.printJson(out, Map.of("beta", beta, "seed", seed, "points", rows));
            return;
        }
        out.printf(Locale.ROOT, "DPO, β = %s, %d Bradley–Terry pairs from π_ref, seed %d; J(π) = β·log Z − β·KL(π || π*)%n", beta, pairs, seed);
        out.printf("%6s %14s %14s %10s%n", "step", "KL(π || π*)", "KL(π || π_ref)", "J(π)");
        for (var p : points) out.printf(Locale.ROOT, "%6d %14.5f %14.5f %10.5f%n", p.step(), p.klToOptimum(), p.klToReference(), p.objective());
    }
}
