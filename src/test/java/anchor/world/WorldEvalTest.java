package anchor.world;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** WorldEval's KL is measured on the tokens the policy drew: no re-encoding, EOS only where it was sampled. */
class WorldEvalTest {
    /** float32 forward passes in two batchings (bucketed batch vs one row at a time). */
    static final double TOLERANCE = 1e-3;

    @Test
    void sampledKlIsTheLogRatioSummedOverTheDrawnTokens() {
        // a random policy rarely draws <|endoftext|> within 40 tokens, and its token strings do not survive a decode/encode
        Gpt2Model policy = Gpt2Model.of(Gpt2Init.random(World.SFT_CONFIG, 11));
        Gpt2Model reference = Gpt2Model.of(HfCheckpoint.load(World.sftDirectory()));
        List<String> prompts = PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, 6);
        long seed = 5;
        List<int[]> drawn = PreferenceData.sampleIds(policy, prompts, seed);
        double expected = 0, length = 0;
        int cut = 0;
        for (int i = 0; i < drawn.size(); i++) {
            int[] prompt = PreferenceData.promptIds(prompts.get(i)), y = drawn.get(i);
            if (y[y.length - 1] != World.tokenizer().eotId()) cut++;
            int[] seq = anchor.data.PromptResponse.ids(prompt, y, anchor.data.PromptResponse.NO_END);
            TokenBatch one = TokenBatch.padded(new int[][]{seq}, false);
            double[] lp = policy.tokenLogProbs(one)[0], lr = reference.tokenLogProbs(one)[0];
            for (int t = prompt.length - 1; t < seq.length - 1; t++) expected += (lp[t] - lr[t]) / drawn.size();
            length += y.length / (double) drawn.size();
        }
        assertThat(cut).as("the case that matters: samples cut at the length limit, without EOS").isPositive();
        WorldEval.Report r = WorldEval.evaluate(policy, reference, WorldEval.baseline(reference, prompts, seed), prompts, seed);
        System.out.printf("sampled KL: expected %.4f, WorldEval %.4f (%d of %d samples cut)%n", expected, r.sampledKl(), cut, drawn.size());
        assertThat(r.sampledKl()).as("mean Σ_t log π/π_ref over the drawn tokens").isCloseTo(expected, org.assertj.core.data.Offset.offset(TOLERANCE * Math.abs(expected)));
        assertThat(r.meanLength()).as("mean drawn tokens per response").isCloseTo(length, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.sampledKlSe()).as("a standard error from the six samples").isPositive();
    }
}
