package anchor.cli;

import anchor.AnchorException;
import anchor.docs.Document1;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.PlainGpt2;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.TokenLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chapter tour: each chapter's numbers printed beside the value the document prints, in the document's order.
 * Runs on the {@code gpt2} architecture with seeded random weights unless {@code --model DIR} names real ones.
 */
@Command(name = "tour", description = "Walk the chapters, printing each document's numbers beside ours.")
final class TourCommand implements Runnable {
    static final List<String> CHAPTERS = List.of("foundation");

    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Parameters(arity = "0..1", paramLabel = "CHAPTER", description = "One chapter: ${COMPLETION-CANDIDATES} (default: all).",
            completionCandidates = Chapters.class)
    String chapter;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static final class Chapters extends ArrayList<String> {
        Chapters() {
            super(CHAPTERS);
        }
    }

    /** One printed comparison. {@code document} is null where the document prints no number. */
    record Line(String what, String document, String ours, boolean ok) {
    }

    private final List<Line> lines = new ArrayList<>();
    private PrintWriter out;

    @Override
    public void run() {
        if (chapter != null && !CHAPTERS.contains(chapter)) {
            throw new AnchorException("unknown chapter '" + chapter + "'; chapters: " + String.join(", ", CHAPTERS));
        }
        out = spec.commandLine().getOut();
        if (modelOptions.model == null && modelOptions.config == null) modelOptions.config = "gpt2";
        Gpt2Weights weights = modelOptions.load(spec.commandLine().getErr());
        if (chapter == null || chapter.equals("foundation")) foundation(weights);
        long failed = lines.stream().filter(l -> !l.ok()).count();
        out.printf("%n%d checks, %d differ from the document%n", lines.size(), failed);
        if (common.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("checks", lines);
            r.put("differ", failed);
            Common.printJson(out, r);
        }
        if (failed > 0) throw new AnchorException(failed + " tour check(s) differ from the document");
    }

    private void line(String what, String document, String ours, boolean ok) {
        lines.add(new Line(what, document, ours, ok));
        out.printf("  [%s] %-44s ours %-28s document %s%n", ok ? "OK" : "DIFFERS", what, ours, document == null ? "(prints none)" : document);
    }

    private void heading(String title, String source) {
        out.printf("%n== %s%n   (%s)%n", title, source);
    }

    private void foundation(Gpt2Weights weights) {
        heading("GPT-2 foundation: tokenizer, parameters, forward pass, log-probs",
                "document 1, 'Enter the Reference Model' and 'Computing KL Divergence: The Actual Math'");
        Gpt2Tokenizer tok = modelOptions.tokenizer();
        int[] ids = tok.encode(Document1.TEXT);
        List<Integer> idList = Arrays.stream(ids).boxed().toList();
        line("tokens of \"" + Document1.TEXT + "\"", Document1.TOKENS.toString(), idList.toString(), idList.equals(Document1.TOKENS));

        Gpt2Model model = Gpt2Model.of(weights);
        long trainable = model.trainableParameterCount();
        boolean isGpt2 = weights.config().equals(anchor.gpt2.Gpt2Config.preset("gpt2"));
        line("policy trainable parameters (graph variables)", String.format("%,d", (long) Document1.POLICY_TRAINABLE.value()),
                String.format("%,d", trainable), !isGpt2 || Document1.POLICY_TRAINABLE.matches(trainable));
        double fp32 = trainable * 4 / 1048576.0, fp16 = trainable * 2 / 1048576.0;
        line("FP32 weights, MB", "~474.7", String.format("%.1f", fp32), !isGpt2 || Document1.FP32_MB.matches(fp32));
        line("FP16 weights, MB", "~237.4", String.format("%.1f", fp16), !isGpt2 || Document1.FP16_MB.matches(fp16));

        TokenBatch batch = TokenBatch.of(ids);
        INDArray logits = model.logits(batch);
        double[][] plain = new PlainGpt2(weights).logits(ids);
        double maxDiff = 0;
        float[] flat = logits.dup('c').data().asFloat();
        for (int t = 0; t < ids.length; t++)
            for (int v = 0; v < plain[t].length; v++) maxDiff = Math.max(maxDiff, Math.abs(plain[t][v] - flat[t * plain[t].length + v]));
        line("logits shape", null, Arrays.toString(logits.shape()), logits.size(2) == weights.config().vocabSize());
        line("max |SameDiff − plain-Java float64| logits", null, String.format("%.2e (tol 1e-4)", maxDiff), maxDiff <= 1e-4);

        double[][] lp = TokenLogProbs.gather(logits, batch);
        List<Integer> shape = List.of(lp.length, lp[0].length);
        line("log-prob shape", "torch.Size(" + Document1.LOGPROB_SHAPE + ")", shape.toString(), shape.equals(Document1.LOGPROB_SHAPE));
        out.printf("     log-probs: %s%n", Arrays.toString(Arrays.stream(lp[0]).mapToObj(d -> String.format("%.4f", d)).toArray()));
    }
}
