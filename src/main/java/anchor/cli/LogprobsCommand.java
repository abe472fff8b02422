package anchor.cli;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.TokenLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "logprobs", description = "log p(ids[i+1] | ids[0..i]) for every predicted token (n-1 values).")
final class LogprobsCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Option(names = "--text", description = "Text to score.")
    String text;
    @Option(names = "--ids", description = "Token ids to score, e.g. 15496,11,703.")
    String ids;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if ((text == null) == (ids == null)) throw new AnchorException("give exactly one of --text or --ids");
        Gpt2Tokenizer tok = modelOptions.tokenizer();
        int[] seq = text != null ? tok.encode(text) : Common.parseIds(ids, "--ids");
        if (seq.length < 2) throw new AnchorException("need at least 2 tokens to score (got " + seq.length + "): the first token is only context");
        Gpt2Model model = Gpt2Model.of(modelOptions.load(spec.commandLine().getErr()));
        TokenBatch batch = TokenBatch.of(seq);
        double[] lp = TokenLogProbs.gather(model.logits(batch), batch)[0];
        var out = spec.commandLine().getOut();
        if (common.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ids", seq);
            r.put("logprobs", lp);
            Common.printJson(out, r);
            return;
        }
        out.printf("%4s  %6s  %-16s %12s%n", "pos", "id", "token", "log p");
        double sum = 0;
        for (int i = 0; i < lp.length; i++) {
            out.printf("%4d  %6d  %-16s %12.6f%n", i + 1, seq[i + 1], tok.token(seq[i + 1]), lp[i]);
            sum += lp[i];
        }
        out.printf("sum %.6f   mean %.6f   perplexity %.3f%n", sum, sum / lp.length, Math.exp(-sum / lp.length));
    }
}
