package anchor.logprobs;

import anchor.AnchorException;
import anchor.gpt2.TokenBatch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Exercise 4.2. */
@Tag("exercise")
class SequenceLogProbsExerciseTest {
    @Test
    void responseMaskCountsOnlyRealResponseTokens() {
        // prompt 50256 464 | response 3290 13 (+ padding); the mask is over targets 1..T−1
        int[][] seqs = {{50256, 464, 3290, 13}, {50256, 464, 3290, 318, 922, 13}};
        TokenBatch right = TokenBatch.padded(seqs, false), left = TokenBatch.padded(seqs, true);
        int[] prompts = {2, 3};
        assertThat(SequenceLogProbs.responseMask(right, prompts)).isDeepEqualTo(new int[][]{{0, 1, 1, 0, 0}, {0, 0, 1, 1, 1}});
        assertThat(SequenceLogProbs.responseMask(left, prompts)).isDeepEqualTo(new int[][]{{0, 0, 0, 1, 1}, {0, 0, 1, 1, 1}});
        assertThatThrownBy(() -> SequenceLogProbs.responseMask(right, new int[]{4, 3})).isInstanceOf(AnchorException.class)
                .hasMessageContaining("empty response");
        assertThatThrownBy(() -> SequenceLogProbs.responseMask(right, new int[]{2})).isInstanceOf(AnchorException.class);
        assertThatThrownBy(() -> SequenceLogProbs.responseMask(right, new int[]{0, 3})).isInstanceOf(AnchorException.class);
        assertThat(SequenceLogProbs.responseMask(TokenBatch.padded(new int[][]{{464, 3290, 13}}, true), new int[]{1}))
                .as("a one-token prompt: every later token is the response").isDeepEqualTo(new int[][]{{1, 1}});
    }

    @Test
    void summedIsTheMaskedSumPerRow() {
        Random r = new Random(42);
        double[][] lp = new double[3][7];
        int[][] mask = new int[3][7];
        double[] expected = new double[3];
        for (int b = 0; b < 3; b++)
            for (int t = 0; t < 7; t++) {
                lp[b][t] = -5 * r.nextDouble();
                mask[b][t] = r.nextInt(2);
                if (mask[b][t] == 1) expected[b] += lp[b][t];
            }
        assertThat(SequenceLogProbs.summed(lp, mask)).containsExactly(expected, within(1e-12));
        assertThat(SequenceLogProbs.mean(new double[][]{{-1, -2, -3}}, new int[][]{{0, 1, 1}})).containsExactly(new double[]{-2.5}, within(1e-12));
    }
}
