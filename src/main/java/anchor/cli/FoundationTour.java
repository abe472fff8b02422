package anchor.cli;

import anchor.docs.Document1;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.PlainGpt2;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.TokenLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;

/** Tour chapter 1: the tokenizer, the parameter count, a forward pass checked against plain Java, the log-probs. */
final class FoundationTour {
    private FoundationTour() {
    }

    static void run(Tour tour, Gpt2Weights weights, Gpt2Tokenizer tok) {
        tour.chapter("foundation", "GPT-2 foundation: tokenizer, parameters, forward pass, log-probs",
                "document 1, 'Enter the Reference Model' and 'Computing KL Divergence: The Actual Math'");
        int[] ids = tok.encode(Document1.TEXT);
        List<Integer> idList = Arrays.stream(ids).boxed().toList();
        tour.check("tokens of \"" + Document1.TEXT + "\"", Document1.TOKENS.toString(), idList.toString(), idList.equals(Document1.TOKENS));

        Gpt2Model model = Gpt2Model.of(weights);
        long trainable = model.trainableParameterCount();
        boolean isGpt2 = weights.config().equals(Gpt2Config.preset("gpt2"));
        tour.check("trainable parameters (graph variables)", String.format("%,d", (long) Document1.POLICY_TRAINABLE.value()),
                String.format("%,d", trainable), !isGpt2 || Document1.POLICY_TRAINABLE.matches(trainable));

        TokenBatch batch = TokenBatch.of(ids);
        INDArray logits = model.logits(batch);
        double[][] plain = new PlainGpt2(weights).logits(ids);
        float[] flat = logits.dup('c').data().asFloat();
        double maxDiff = 0;
        int V = plain[0].length;
        for (int t = 0; t < ids.length; t++)
            for (int v = 0; v < V; v++) maxDiff = Math.max(maxDiff, Math.abs(plain[t][v] - flat[t * V + v]));
        tour.measured("logits shape", Arrays.toString(logits.shape()));
        tour.bar("max |SameDiff - plain-Java float64| logit", "≤ 1e-4 (an independent implementation)", String.format("%.2e", maxDiff), maxDiff <= 1e-4);

        double[][] lp = TokenLogProbs.gather(logits, batch);
        List<Integer> shape = List.of(lp.length, lp[0].length);
        tour.check("log-prob shape", "torch.Size(" + Document1.LOGPROB_SHAPE + ")", shape.toString(), shape.equals(Document1.LOGPROB_SHAPE));
        tour.note("log-probs: " + Arrays.toString(Arrays.stream(lp[0]).mapToObj(d -> String.format("%.4f", d)).toArray()));
    }
}
