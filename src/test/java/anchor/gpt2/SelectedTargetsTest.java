package anchor.gpt2;

import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Asking for some targets only (a response's, not its prompt's): the LM head computes just those rows, and nothing a
 * caller reads changes — the log-probs asked for, and the gradient of a loss that lives on them.
 */
class SelectedTargetsTest {
    private final Gpt2Model m = Gpt2Model.of(TestModels.allRandom(new Gpt2Config(1, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02), 5), DataType.DOUBLE, false);
    private final TokenBatch batch = TokenBatch.padded(new int[][]{{50256, 464, 3290, 13, 50256, 11}, {50256, 317, 9}}, false);
    private final int[][] responses = batch.targetsFrom(new int[]{2, 1});   // prompts of 3 and 2 tokens

    @Test
    void targetsFromKeepsTheResponsesRealTargetsOnly() {
        assertThat(responses).isDeepEqualTo(new int[][]{{0, 0, 1, 1, 1}, {0, 1, 0, 0, 0}});
    }

    @Test
    void selectedLogProbsEqualTheFullPassWhereAskedAndAreZeroElsewhere() {
        double[][] all = m.tokenLogProbs(batch, 0.7), some = m.tokenLogProbs(batch, 0.7, responses);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < all[b].length; t++) {
                if (responses[b][t] == 1) assertThat(some[b][t]).as("[%d][%d]", b, t).isNotZero().isCloseTo(all[b][t], within(1e-12));
                else assertThat(some[b][t]).as("[%d][%d] not asked", b, t).isZero();
            }
    }

    @Test
    void lazyWeightsAreAskedOnlyAtTheSelectedTargetsAndGiveTheSameGradient() {
        double[][] w = {{0, 0, 0.3, -0.7, 0.2}, {0, 1.1, 0, 0, 0}};
        List<String> asked = new ArrayList<>();
        var lazy = m.gradients(batch, Loss.tokens((b, t, lp) -> {
            asked.add(b + "," + t);
            return w[b][t];
        }, responses).withTemperature(0.7));
        assertThat(asked).containsExactly("0,2", "0,3", "0,4", "1,1");
        var eager = m.gradients(batch, Loss.tokens(w).withTemperature(0.7));
        assertThat(lazy.loss()).isCloseTo(eager.loss(), within(1e-12));
        for (String p : List.of("wte.weight", "h.0.attn.c_attn.weight", "ln_f.bias", "wpe.weight")) {
            double diff = lazy.byParameter().get(p).sub(eager.byParameter().get(p)).amaxNumber().doubleValue();
            assertThat(diff).as(p).isLessThan(1e-12);
            assertThat(eager.byParameter().get(p).amaxNumber().doubleValue()).as(p + " has a gradient").isGreaterThan(1e-6);
        }
    }

    @Test
    void logitRowsAreTheFullLogitsAtTheSelectedPositionsWithTheirLogProbsAndExactKl() {
        var full = m.logits(batch);                                                        // (B, T, V)
        var rows = m.logitRows(batch, responses);                                          // (M, V)
        assertThat(rows.size(0)).as("one row per response target").isEqualTo(4);
        Gpt2Model other = Gpt2Model.of(TestModels.allRandom(m.config(), 6), DataType.DOUBLE, true);
        var otherFull = other.logits(batch);
        var otherRows = other.logitRows(batch, responses);
        int k = 0;
        double kl = 0;
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < responses[b].length; t++) {
                if (responses[b][t] == 0) continue;
                var want = full.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b), org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all());
                assertThat(rows.getRow(k).sub(want).amaxNumber().doubleValue()).as("row %d = logits[%d][%d]", k, b, t).isLessThan(1e-12);
                kl += anchor.kl.ExactKl.atPositions(full, otherFull, b, t + 1)[t] / 4;
                k++;
            }
        double[][] all = anchor.logprobs.TokenLogProbs.gather(full, batch), some = anchor.logprobs.RowLogProbs.gather(rows, batch, responses);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < all[b].length; t++) assertThat(some[b][t]).as("[%d][%d]", b, t).isCloseTo(responses[b][t] == 1 ? all[b][t] : 0, within(1e-12));
        assertThat(anchor.kl.ExactKl.meanOverRows(rows, otherRows)).isGreaterThan(1e-3).isCloseTo(kl, within(1e-12));
    }
}
