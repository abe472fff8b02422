package anchor.gpt2;

import anchor.AnchorException;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The training head's gradients against central finite differences, in double precision. */
class Gpt2GradientTest {
    static double weightedLoss(Gpt2Model m, TokenBatch batch, double[][] w) {
        double[][] lp = m.tokenLogProbs(batch);
        double s = 0;
        for (int b = 0; b < w.length; b++) for (int t = 0; t < w[b].length; t++) s += w[b][t] * lp[b][t];
        return s;
    }

    @Test
    void analyticGradientsMatchFiniteDifferences() {
        Gpt2Config c = new Gpt2Config(2, 2, 8, 16, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(c, 4), DataType.DOUBLE, false);
        TokenBatch batch = TokenBatch.padded(new int[][]{{5, 17, 5, 900, 31}, {17, 2}}, true);
        int[][] mask = anchor.logprobs.TokenLogProbs.targetMask(batch);
        Random r = new Random(1);
        double[][] w = new double[2][4];
        for (int b = 0; b < 2; b++) for (int t = 0; t < 4; t++) w[b][t] = mask[b][t] * r.nextGaussian();
        Gradients g = m.gradients(batch, Loss.tokens(w));
        assertThat(g.loss()).isCloseTo(weightedLoss(m, batch, w), org.assertj.core.data.Offset.offset(1e-9));

        String[] names = {"wte.weight", "wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.c_attn.weight",
                "h.0.attn.c_attn.bias", "h.1.attn.c_proj.weight", "h.1.mlp.c_fc.weight", "h.1.mlp.c_proj.bias", "ln_f.bias"};
        long[][] at = {{5, 3}, {900, 0}, {1, 2}, {4}, {3, 17}, {20}, {7, 1}, {2, 9}, {6}, {0}};
        double eps = 1e-5;
        for (int i = 0; i < names.length; i++) {
            double numeric = anchor.testing.FiniteDifferences.central(m.parameters().get(names[i]), at[i], eps, () -> weightedLoss(m, batch, w));
            double analytic = g.byParameter().get(names[i]).getDouble(at[i]);
            System.out.printf("%-24s %-10s numeric %+.8f analytic %+.8f%n", names[i], java.util.Arrays.toString(at[i]), numeric, analytic);
            assertThat(analytic).as(names[i]).isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-6 + 1e-4 * Math.abs(numeric)));
        }
    }

    @Test
    void graphLogProbsEqualTheGatheredOnes() {
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 8));
        TokenBatch batch = TokenBatch.padded(new int[][]{{1, 2, 3, 4}, {7, 8}}, false);
        double[][] a = m.tokenLogProbs(batch), b = anchor.logprobs.TokenLogProbs.gather(m.logits(batch), batch);
        for (int i = 0; i < 2; i++) assertThat(a[i]).containsExactly(b[i], org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void frozenCopyHasNoTrainableParametersAndRefusesGradients() {
        Gpt2Model policy = Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 8));
        Gpt2Model ref = policy.frozenCopy();
        assertThat(ref.trainableParameterCount()).isZero();
        assertThat(policy.trainableParameterCount()).isEqualTo(TestModels.tiny().parameterCount());
        TokenBatch batch = TokenBatch.of(1, 2, 3);
        assertThatThrownBy(() -> ref.gradients(batch, Loss.tokens(new double[][]{{1, 1}}))).isInstanceOf(AnchorException.class).hasMessageContaining("frozen");
        assertThatThrownBy(() -> ref.logitsTraining(batch, new Random(0))).hasMessageContaining("eval mode only");
        assertThat(ref.logits(batch).equals(policy.logits(batch))).isTrue();
    }

    @Test
    void aModelBuiltFrozenIsTheFrozenCopyWithoutTheTrainableOneInBetween() {
        var w = TestModels.allRandom(TestModels.tiny(), 8);
        Gpt2Model direct = Gpt2Model.frozen(w), viaCopy = Gpt2Model.of(w).frozenCopy();
        assertThat(direct.trainableParameterCount()).isZero();
        TokenBatch batch = TokenBatch.of(1, 2, 3);
        assertThatThrownBy(() -> direct.gradients(batch, Loss.tokens(new double[][]{{1, 1}}))).hasMessageContaining("frozen");
        assertThat(direct.logits(batch).equals(viaCopy.logits(batch))).isTrue();
        assertThat(direct.parameterBytes()).isEqualTo(viaCopy.parameterBytes());
    }

    @Test
    void aLossWithNoTermOrWithTwoTokenTermsIsRefusedInOneLine() {
        assertThatThrownBy(() -> Loss.scores(null)).isInstanceOf(AnchorException.class).hasMessageContaining("no loss");
        assertThatThrownBy(() -> new Loss(new double[][]{{1}}, (b, t, lp) -> 1, new int[][]{{1}}, null, null, 1.0))
                .isInstanceOf(AnchorException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> Loss.tokens((b, t, lp) -> 1, null)).isInstanceOf(AnchorException.class).hasMessageContaining("targets");
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 8));
        assertThatThrownBy(() -> m.gradients(TokenBatch.of(1, 2, 3), Loss.tokens(new double[][]{{1}})))
                .isInstanceOf(AnchorException.class).hasMessageContaining("T-1 = 2 columns");
    }
}
