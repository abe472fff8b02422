package anchor.logprobs;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SequenceLogProbsTest {
    @Test
    void responseMaskSkipsPromptAndPaddingOnBothSides() {
        int[] a = {10, 11, 12, 13, 14}, b = {20, 21, 22};
        for (boolean left : new boolean[]{false, true}) {
            TokenBatch batch = TokenBatch.padded(new int[][]{a, b}, left);
            int[][] m = SequenceLogProbs.responseMask(batch, new int[]{2, 1});
            // row 0: prompt 10,11 → targets 12,13,14 are the response (positions 1..3 of 4)
            assertThat(m[0]).containsExactly(0, 1, 1, 1);
            assertThat(m[1]).containsExactly(left ? new int[]{0, 0, 1, 1} : new int[]{1, 1, 0, 0});
        }
    }

    @Test
    void summedAndMeanMatchAcrossPadding() {
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 3));
        int[] prompt = {464, 3290}, seq = {464, 3290, 318, 257, 922}, other = {1, 2};
        TokenBatch alone = TokenBatch.of(seq);
        double[] s1 = SequenceLogProbs.summed(m.tokenLogProbs(alone), SequenceLogProbs.responseMask(alone, new int[]{prompt.length}));
        TokenBatch padded = TokenBatch.padded(new int[][]{other, seq}, true);
        double[][] lp = m.tokenLogProbs(padded);
        int[][] mask = SequenceLogProbs.responseMask(padded, new int[]{1, prompt.length});
        assertThat(SequenceLogProbs.summed(lp, mask)[1]).isCloseTo(s1[0], within(1e-4));
        assertThat(SequenceLogProbs.mean(lp, mask)[1]).isCloseTo(s1[0] / 3, within(1e-4));
    }

    @Test
    void emptyResponseIsRefused() {
        TokenBatch batch = TokenBatch.of(1, 2, 3);
        assertThatThrownBy(() -> SequenceLogProbs.responseMask(batch, new int[]{3})).isInstanceOf(AnchorException.class)
                .hasMessageContaining("empty response");
        assertThatThrownBy(() -> SequenceLogProbs.responseMask(batch, new int[]{0})).hasMessageContaining("at least one token");
    }
}
