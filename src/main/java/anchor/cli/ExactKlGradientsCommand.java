package anchor.cli;

import anchor.exact.ExactDistribution;
import anchor.exact.ExactKlGradients;
import anchor.exact.Responses;
import anchor.gpt2.Gpt2Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

@Command(name = "kl-gradients", description = "Each KL estimator's exact expected gradient, in the reward (PPO) and in the loss (GRPO), against the true gradient of KL(policy || reference): norm, relative error, cosine.")
final class ExactKlGradientsCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--policy", required = true, paramLabel = "DIR")
    Path policyDir;
    @Option(names = "--reference", required = true, paramLabel = "DIR")
    Path referenceDir;
    @Option(names = "--max-len", defaultValue = "4")
    int maxLen;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ExactCommand.Pair pr = ExactCommand.Pair.load(policyDir, referenceDir, true);
        Gpt2Model policy = pr.policy(), reference = pr.reference();
        int[] x = {policy.config().eotId()};
        ExactDistribution.checkFits(policy.config(), x.length, maxLen);
        ExactKlGradients.Result r = ExactKlGradients.of(policy, reference, x, Responses.all(policy.config().vocabSize(), maxLen));
        var out = spec.commandLine().getOut();
        if (common.json) {
            var rows = new java.util.ArrayList<Map<String, Object>>();
            for (var row : r.rows()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("estimator", row.estimator().name().toLowerCase(Locale.ROOT));
                j.put("placement", row.placement().name().toLowerCase(Locale.ROOT));
                j.put("norm", row.norm());
                j.put("relative_error", row.relativeError());
                j.put("cosine", row.cosine());
                rows.add(j);
            }
            Common.printJson(out, Map.of("true_norm", r.trueNorm(), "gradients", rows));
            return;
        }
        out.printf(Locale.ROOT, "|∇ KL(policy || reference)| = %.6g (responses sampled from the policy at T = 1)%n", r.trueNorm());
        out.printf("%10s %10s %12s %16s %10s%n", "estimator", "placement", "|gradient|", "relative error", "cosine");
        for (var row : r.rows()) {
            out.printf(Locale.ROOT, "%10s %10s %12.6g %16.6f %10.6f%n", row.estimator().name().toLowerCase(Locale.ROOT),
                    row.placement().name().toLowerCase(Locale.ROOT), row.norm(), row.relativeError(), row.cosine());
        }
    }
}
