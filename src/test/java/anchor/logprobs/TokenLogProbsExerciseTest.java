package anchor.logprobs;

import anchor.gpt2.TokenBatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exercise 2.2. */
@Tag("exercise")
class TokenLogProbsExerciseTest {
    @Test
    void shiftSoftmaxGatherWithPadding() {
        // B = 2, T = 3, V = 2. Row 1 is left-padded: [pad, 1, 0].
        float[] logits = {0, 0, /**/ 1, 3, /**/ 5, 5, /* row 1 */ 9, -9, /**/ 2, 0, /**/ 0, 0};
        TokenBatch batch = new TokenBatch(new int[][]{{0, 1, 0}, {0, 1, 0}}, new int[][]{{1, 1, 1}, {0, 1, 1}});
        assertThat(TokenLogProbs.targetMask(batch)).isDeepEqualTo(new int[][]{{1, 1}, {0, 1}});
        double[][] lp = TokenLogProbs.gather(Nd4j.create(logits, new long[]{2, 3, 2}, 'c'), batch);
        assertThat(lp[0][0]).isCloseTo(Math.log(0.5), within(1e-9));
        assertThat(lp[0][1]).isCloseTo(1 - Math.log(Math.exp(1) + Math.exp(3)), within(1e-6));
        assertThat(lp[1][0]).isEqualTo(0.0);
        assertThat(lp[1][1]).isCloseTo(2 - Math.log(Math.exp(2) + 1), within(1e-6));
    }

    @Test
    void rightPaddingAndDoubleLogits() {
        // B = 2, T = 3, V = 2. Row 0 is right-padded: [1, 0, pad]; row 1 has no padding.
        double[] logits = {2, 0, /**/ 0, 3, /**/ 7, 7, /* row 1 */ 0, 1, /**/ 4, 0, /**/ 8, -8};
        TokenBatch batch = new TokenBatch(new int[][]{{1, 0, 1}, {0, 1, 0}}, new int[][]{{1, 1, 0}, {1, 1, 1}});
        double[][] lp = TokenLogProbs.gather(Nd4j.create(logits, new long[]{2, 3, 2}, 'c'), batch);
        assertThat(lp[0][0]).as("row 0, t = 0: log softmax(2, 0)[0]").isCloseTo(2 - Math.log(Math.exp(2) + 1), within(1e-12));
        assertThat(lp[0][1]).as("row 0, t = 1: the target is padding (a mask built from the context token alone misses it)").isEqualTo(0.0);
        assertThat(lp[1][0]).as("row 1, t = 0: log softmax(0, 1)[1]").isCloseTo(1 - Math.log(1 + Math.exp(1)), within(1e-12));
        assertThat(lp[1][1]).as("row 1, t = 1: log softmax(4, 0)[0] (rows start at b·T·V)").isCloseTo(4 - Math.log(Math.exp(4) + 1), within(1e-12));
        assertThat(lp).as("B rows").hasNumberOfRows(2);
        assertThat(lp[0]).as("T − 1 log-probs per row").hasSize(2);
        // double logits keep their precision: 1 + 1e-9 is 1 in float, and log σ(1e-9) − log ½ ≈ 5e-10 shows it
        double[][] fine = TokenLogProbs.gather(Nd4j.create(new double[]{1 + 1e-9, 1, 0, 0}, new long[]{1, 2, 2}, 'c'), TokenBatch.of(0, 0));
        assertThat(fine[0][0]).as("double logits read as doubles").isCloseTo(Math.log(0.5) + 5e-10, within(1e-13));
    }

    @Test
    void stableWithHugeLogits() {
        float[] logits = {3e38f, 0, 0, 0};
        double[][] lp = TokenLogProbs.gather(Nd4j.create(logits, new long[]{1, 2, 2}, 'c'), TokenBatch.of(0, 1));
        assertThat(lp[0][0]).isCloseTo(-3e38, within(1e32));
    }
}
