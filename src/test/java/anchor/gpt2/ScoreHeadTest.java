package anchor.gpt2;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.safetensors.DType;
import anchor.safetensors.SafetensorsFile;
import anchor.testing.Comparator;
import anchor.testing.FiniteDifferences;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The scalar head (GPT2ForSequenceClassification's score.weight) against the plain-Java forward and finite differences. */
class ScoreHeadTest {
    static final Gpt2Config C = new Gpt2Config(2, 2, 8, 16, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
    static final int[][] ROWS = {{5, 17, 5, 900, 31}, {17, 2}};

    @TempDir
    Path dir;

    static Gpt2Weights withHead(long seed) {
        return TestModels.allRandom(C, seed).withScoreHead(Gpt2Init.scoreHead(C, seed + 100));
    }

    @Test
    void scoresEqualThePlainJavaForwardAtEveryRealPosition() {
        Gpt2Weights w = withHead(4);
        Gpt2Model m = Gpt2Model.of(w);
        for (boolean left : new boolean[]{false, true}) {
            TokenBatch batch = TokenBatch.padded(ROWS, left);
            double[][] s = m.scores(batch);
            for (int b = 0; b < ROWS.length; b++) {
                double[] expected = new PlainGpt2(w).scores(ROWS[b]);
                int off = left ? batch.length() - ROWS[b].length : 0;
                double[] actual = java.util.Arrays.copyOfRange(s[b], off, off + ROWS[b].length);
                Comparator.check("score row " + b + (left ? " (left-padded)" : ""), expected, actual, 1e-5);
            }
        }
    }

    /** L = Σ_b c_b · score[b, last real token of b]: a reward-model-like loss of the scalar outputs. */
    static double scoreLoss(Gpt2Model m, TokenBatch batch, double[][] w) {
        double[][] s = m.scores(batch);
        double l = 0;
        for (int b = 0; b < w.length; b++) for (int t = 0; t < w[b].length; t++) l += w[b][t] * s[b][t];
        return l;
    }

    @Test
    void scoreGradientMatchesFiniteDifferences() {
        Gpt2Model m = Gpt2Model.of(withHead(5), DataType.DOUBLE, false);
        TokenBatch batch = TokenBatch.padded(ROWS, false);
        double[][] w = new double[2][batch.length()];
        w[0][4] = 0.7;   // the last real token of row 0
        w[1][1] = -1.3;  // the last real token of row 1
        Gradients g = m.gradients(batch, Loss.scores(w));
        assertThat(g.loss()).isCloseTo(scoreLoss(m, batch, w), within(1e-9));
        assertThat(g.tokenLogProbs()).as("no LM head in a score-only loss").isNull();
        String[] names = {"score.weight", "score.weight", "wte.weight", "wpe.weight", "h.0.attn.c_attn.weight", "h.1.mlp.c_proj.bias", "ln_f.weight"};
        long[][] at = {{0, 3}, {0, 7}, {17, 2}, {1, 5}, {3, 11}, {6}, {2}};
        double eps = 1e-5;
        for (int i = 0; i < names.length; i++) {
            double numeric = FiniteDifferences.central(m.parameters().get(names[i]), at[i], eps, () -> scoreLoss(m, batch, w));
            assertThat(g.byParameter().get(names[i]).getDouble(at[i])).as(names[i] + java.util.Arrays.toString(at[i]))
                    .isCloseTo(numeric, within(1e-7 + 1e-5 * Math.abs(numeric)));
        }
        assertThat(g.byParameter().get("score.weight").norm2Number().doubleValue()).isPositive();
    }

    @Test
    void bothHeadsOverOneTrunkGiveTheSumOfTheirGradients() {
        Gpt2Model m = Gpt2Model.of(withHead(6), DataType.DOUBLE, false);
        TokenBatch batch = TokenBatch.padded(ROWS, false);
        int[][] mask = batch.targetMask();
        Random r = new Random(2);
        double[][] lw = new double[2][batch.length() - 1], sw = new double[2][batch.length()];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < lw[b].length; t++) lw[b][t] = mask[b][t] * r.nextGaussian();
            for (int t = 0; t < sw[b].length; t++) sw[b][t] = batch.mask()[b][t] * r.nextGaussian();
        }
        var lm = m.gradients(batch, Loss.tokens(lw)).byParameter();
        var score = m.gradients(batch, Loss.scores(sw)).byParameter();
        var both = m.gradients(batch, Loss.tokens(lw).withScores(sw));
        for (String k : new String[]{"wte.weight", "h.0.attn.c_attn.weight", "ln_f.bias", "score.weight"}) {
            INDArray sum = lm.get(k).add(score.get(k));
            assertThat(both.byParameter().get(k).sub(sum).amaxNumber().doubleValue()).as(k).isLessThan(1e-12);
        }
        assertThat(lm.get("score.weight").amaxNumber().doubleValue()).as("the LM loss does not touch the scalar head").isZero();
        assertThat(both.scores()).isNotNull();
        assertThat(both.tokenLogProbs()).isNotNull();
    }

    @Test
    void aModelWithoutTheHeadRefusesScores() {
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(C, 1));
        assertThat(m.hasScoreHead()).isFalse();
        assertThatThrownBy(() -> m.scores(TokenBatch.of(1, 2))).isInstanceOf(AnchorException.class).hasMessageContaining("no scalar head");
    }

    @Test
    void savedAsHuggingFacesSequenceClassifierAndLoadedBack() throws Exception {
        Gpt2Weights w = withHead(7);
        Path d = dir.resolve("rm");
        HfCheckpoint.save(w, d, DType.F32);
        var config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(d.resolve("config.json").toFile());
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("GPT2ForSequenceClassification");
        assertThat(config.get("id2label").size()).as("num_labels").isEqualTo(1);
        assertThat(config.has("pad_token_id")).as("no pad id: HF reads an unpadded sequence's score at its last token, as Anchor").isFalse();
        var keys = SafetensorsFile.open(d.resolve("model.safetensors")).tensors().keySet();
        assertThat(keys).contains("score.weight", "transformer.wte.weight", "transformer.h.1.mlp.c_proj.bias").noneMatch(k -> k.startsWith("lm_head"));
        Gpt2Weights back = HfCheckpoint.load(d);
        assertThat(back.hasScoreHead()).isTrue();
        for (String k : w.tensors().keySet()) assertThat(back.get(k)).as(k).containsExactly(w.get(k));
        assertThat(Gpt2Model.of(back).scores(TokenBatch.of(ROWS[0]))[0]).containsExactly(Gpt2Model.of(w).scores(TokenBatch.of(ROWS[0]))[0], within(0.0));

        Files.writeString(d.resolve("config.json"), Files.readString(d.resolve("config.json")).replace("\"0\" : \"LABEL_0\"", "\"0\" : \"A\", \"1\" : \"B\""));
        assertThatThrownBy(() -> HfCheckpoint.load(d)).isInstanceOf(AnchorException.class).hasMessageContaining("2 labels");
    }
}
