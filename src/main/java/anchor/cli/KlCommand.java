package anchor.cli;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.kl.ExactKl;
import anchor.kl.KlEstimators;
import anchor.kl.KlPenalty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

@Command(name = "kl", description = "Per-token KL(policy || reference) on a text: k1 (the document's), k2, k3 or exact (full vocabulary).")
final class KlCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    PolicyAndReference models;
    @Option(names = "--text")
    String text;
    @Option(names = "--ids")
    String ids;
    @Option(names = "--estimator", defaultValue = "k1", description = "k1, k2, k3 or exact (default ${DEFAULT-VALUE}).")
    String estimator;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if ((text == null) == (ids == null)) throw new AnchorException("give exactly one of --text or --ids");
        String est = estimator.toLowerCase(Locale.ROOT);
        if (!est.matches("k1|k2|k3|exact")) throw new AnchorException("unknown estimator '" + estimator + "' (k1, k2, k3 or exact)");
        int[] seq = text != null ? models.tokenizer().encode(text) : Common.parseIds(ids, "--ids");
        if (seq.length < 2) throw new AnchorException("need at least 2 tokens (got " + seq.length + ")");
        var err = spec.commandLine().getErr();
        models.refuseNonLanguageModels();
        Gpt2Model policy = Gpt2Model.of(models.policyWeights(err));
        Gpt2Model reference = Gpt2Model.frozen(models.referenceWeights(err));
        if (!policy.config().equals(reference.config()) && policy.config().vocabSize() != reference.config().vocabSize()) {
            throw new AnchorException("policy and reference vocabularies differ (" + policy.config().vocabSize() + " vs " + reference.config().vocabSize() + ")");
        }
        TokenBatch batch = TokenBatch.of(seq);
        double[] kl;
        if (est.equals("exact")) {
            kl = ExactKl.atPositions(policy.logits(batch), reference.logits(batch), 0, seq.length - 1);
        } else {
            double[] k1 = KlPenalty.perToken(policy.tokenLogProbs(batch)[0], reference.tokenLogProbs(batch)[0]);
            KlEstimators.Estimator e = KlEstimators.Estimator.valueOf(est.toUpperCase(Locale.ROOT));
            kl = java.util.Arrays.stream(k1).map(e::of).toArray();
        }
        double mean = KlPenalty.mean(kl, null);
        var out = spec.commandLine().getOut();
        if (common.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ids", seq);
            r.put("estimator", est);
            r.put("per_token_kl", kl);
            r.put("mean_kl", mean);
            Common.printJson(out, r);
            return;
        }
        out.println("Per-token KL (" + est + "): " + java.util.Arrays.toString(kl));
        out.printf("Mean KL: %.4f%n", mean);
    }
}
