package anchor.cli;

import anchor.AnchorException;
import anchor.dpo.DpoLoss;
import anchor.data.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.logprobs.SequenceLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "dpo-loss", description = "The DPO loss of one preference pair, step by step (document 3): four forward passes, sums over response tokens, the loss.")
final class DpoLossCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    PolicyAndReference models;
    @Option(names = "--prompt")
    String prompt;
    @Option(names = "--chosen")
    String chosen;
    @Option(names = "--rejected")
    String rejected;
    @Option(names = "--prompt-ids")
    String promptIds;
    @Option(names = "--chosen-ids")
    String chosenIds;
    @Option(names = "--rejected-ids")
    String rejectedIds;
    @Option(names = "--beta", defaultValue = "0.1")
    double beta;
    @Option(names = "--loss", defaultValue = "sigmoid", description = "sigmoid, cdpo, ipo, hinge, reference-free")
    String loss;
    @Option(names = "--label-smoothing", defaultValue = "0.0")
    double labelSmoothing;
    @Option(names = "--no-eos", description = "Do not append <|endoftext|> to each response.")
    boolean noEos;
    @Option(names = "--explain", description = "Print every intermediate: per-token log-probs, sums, ratios, logit, sigmoid.")
    boolean explain;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr(), out = spec.commandLine().getOut();
        DpoLoss.Variant variant = DpoLoss.Variant.parse(loss);
        Gpt2Tokenizer tok = models.tokenizer();
        int[] p = ids(promptIds, prompt, tok, "prompt"), c = ids(chosenIds, chosen, tok, "chosen"), r = ids(rejectedIds, rejected, tok, "rejected");
        models.refuseNonLanguageModels();
        Gpt2Model policy = Gpt2Model.of(models.policyWeights(err));
        LanguageModel reference = Gpt2Model.frozen(models.referenceWeights(err));
        PreferenceBatch b = PreferenceBatch.of(p, c, r, noEos ? anchor.data.PromptResponse.NO_END : policy.config().eotId(), policy.config().nPositions());
        // the four forward passes of document 3, "Training: Four Forward Passes Per Example"
        double[][] pc = policy.tokenLogProbs(b.chosen()), pr = policy.tokenLogProbs(b.rejected());
        double[][] rc = reference.tokenLogProbs(b.chosen()), rr = reference.tokenLogProbs(b.rejected());
        double spc = SequenceLogProbs.summed(pc, b.chosenMask())[0], spr = SequenceLogProbs.summed(pr, b.rejectedMask())[0];
        double src = SequenceLogProbs.summed(rc, b.chosenMask())[0], srr = SequenceLogProbs.summed(rr, b.rejectedMask())[0];
        DpoLoss.Result res = DpoLoss.of(variant, spc, spr, src, srr, beta, labelSmoothing);
        if (explain) {
            explainSide(out, tok, "chosen", b.chosen().ids()[0], b.chosenMask()[0], pc[0], rc[0]);
            explainSide(out, tok, "rejected", b.rejected().ids()[0], b.rejectedMask()[0], pr[0], rr[0]);
            boolean free = variant == DpoLoss.Variant.REFERENCE_FREE; // log π_ref ≡ 0
            double h = DpoLoss.logRatioMargin(spc, spr, free ? 0 : src, free ? 0 : srr);
            out.printf("log-ratio chosen   = %.6f − %.6f = %.6f%n", spc, src, spc - src);
            out.printf("log-ratio rejected = %.6f − %.6f = %.6f%n", spr, srr, spr - srr);
            out.printf("h = difference = %.6f;  logit z = β·h = %.4f × %.6f = %.6f%n", h, beta, h, beta * h);
            out.printf("σ(z) = %.6f;  loss (%s) = %.6f%n", anchor.logprobs.LogSoftmax.sigmoid(beta * h), variant.name().toLowerCase(java.util.Locale.ROOT), res.loss());
            out.printf("implicit rewards: chosen %.6f, rejected %.6f, margin %.6f%n", res.chosenReward(), res.rejectedReward(), res.margin());
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("loss", res.loss());
        j.put("chosen_reward", res.chosenReward());
        j.put("rejected_reward", res.rejectedReward());
        j.put("policy_chosen_logp", spc);
        j.put("policy_rejected_logp", spr);
        j.put("ref_chosen_logp", src);
        j.put("ref_rejected_logp", srr);
        if (common.json) Common.printJson(out, j);
        else if (!explain) out.printf("loss %.6f  chosen reward %.6f  rejected reward %.6f%n", res.loss(), res.chosenReward(), res.rejectedReward());
    }

    private static int[] ids(String ids, String text, Gpt2Tokenizer tok, String what) {
        if ((ids == null) == (text == null)) throw new AnchorException("give exactly one of --" + what + " or --" + what + "-ids");
        int[] out = ids != null ? Common.parseIds(ids, "--" + what + "-ids") : tok.encode(text);
        if (out.length == 0) throw new AnchorException("empty " + what);
        return out;
    }

    private static void explainSide(PrintWriter out, Gpt2Tokenizer tok, String name, int[] ids, int[] mask, double[] lp, double[] lr) {
        out.printf("%s: response tokens (prompt tokens are context only)%n", name);
        out.printf("  %4s %7s %-14s %12s %12s%n", "pos", "id", "token", "log π", "log π_ref");
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] == 0) continue;
            out.printf("  %4d %7d %-14s %12.6f %12.6f%n", t + 1, ids[t + 1], tok.token(ids[t + 1]), lp[t], lr[t]);
        }
        out.printf("  sums: log π = %.6f, log π_ref = %.6f%n", SequenceLogProbs.summed(new double[][]{lp}, new int[][]{mask})[0],
                SequenceLogProbs.summed(new double[][]{lr}, new int[][]{mask})[0]);
    }
}
