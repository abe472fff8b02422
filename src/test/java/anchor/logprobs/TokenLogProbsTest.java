package anchor.logprobs;

import anchor.docs.Document1;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.testing.Comparator;
import anchor.testing.TestModels;
import anchor.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TokenLogProbsTest {
    @Test
    void documentOneShapeIsOneBySeven() {
        int[] ids = Gpt2Tokenizer.gpt2().encode(Document1.TEXT);
        TokenBatch batch = TokenBatch.of(ids);
        double[][] lp = TokenLogProbs.gather(Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 1)).logits(batch), batch);
        // Document 1, "Computing KL Divergence: The Actual Math": "Log probability shapes: torch.Size([1, 7])" (exact).
        assertThat(java.util.List.of(lp.length, lp[0].length)).isEqualTo(Document1.LOGPROB_SHAPE);
        for (double v : lp[0]) assertThat(v).isNegative();
    }

    @Test
    void shiftGathersTheNextToken() {
        // V = 3, T = 3: position t predicts token t+1.
        float[] logits = {0, 0, 0, /* t=1 */ 1, 2, 3, /* t=2 */ 9, 9, 9};
        TokenBatch batch = TokenBatch.of(0, 2, 1);
        double[][] lp = TokenLogProbs.gather(Nd4j.create(logits, new long[]{1, 3, 3}, 'c'), batch);
        assertThat(lp[0][0]).isCloseTo(Math.log(1.0 / 3), within(1e-12));
        assertThat(lp[0][1]).isCloseTo(2 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)), within(1e-6));
    }

    @Test
    void stableForHugeLogits() {
        float[] logits = {1e30f, -1e30f, 0f, 0, 0, 0};
        double[][] lp = TokenLogProbs.gather(Nd4j.create(logits, new long[]{1, 2, 3}, 'c'), TokenBatch.of(0, 0));
        assertThat(lp[0][0]).isEqualTo(0.0);
        double[][] lp2 = TokenLogProbs.gather(Nd4j.create(logits, new long[]{1, 2, 3}, 'c'), TokenBatch.of(0, 1));
        assertThat(lp2[0][0]).isEqualTo(-2e30, within(1e24));
    }

    @Test
    void paddedTargetsAreMaskedAndRealOnesUnchanged() {
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 2));
        int[] a = {464, 3290, 318, 257, 922}, b = {40, 588};
        double[] alone = TokenLogProbs.gather(m.logits(TokenBatch.of(a)), TokenBatch.of(a))[0];
        for (boolean left : new boolean[]{false, true}) {
            TokenBatch batch = TokenBatch.padded(new int[][]{a, b}, left);
            double[][] lp = TokenLogProbs.gather(m.logits(batch), batch);
            int[][] mask = TokenLogProbs.targetMask(batch);
            Comparator.check((left ? "left" : "right") + "-padded batch, row 0", alone, lp[0], 1e-5);
            assertThat(mask[1]).containsExactly(left ? new int[]{0, 0, 0, 1} : new int[]{1, 0, 0, 0});
        }
    }
}
