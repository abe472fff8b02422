package anchor.gpt2;

import anchor.AnchorException;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A training pass opened once gives the log-probs first and the gradient after, bitwise what a separate log-prob pass
 * and {@link Gpt2Model#gradients} give (FP32, as training runs: the same graph ops on the same inputs).
 */
class TrainingPassTest {
    private final Gpt2Model m = Gpt2Model.of(TestModels.allRandom(new Gpt2Config(2, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02), 3));
    private final TokenBatch batch = TokenBatch.padded(new int[][]{{50256, 464, 3290, 13, 50256, 11}, {50256, 317, 9}}, false);
    private final int[][] responses = batch.targetsFrom(new int[]{2, 1});

    @Test
    void logProbsThenGradientsAreBitwiseTheTwoSeparatePasses() {
        double[][] separate = m.tokenLogProbs(batch, 1.0, responses);
        double[][] w = new double[2][5];
        for (int b = 0; b < 2; b++) for (int t = 0; t < 5; t++) w[b][t] = responses[b][t] * (b == 0 ? -0.25 : 0.5);
        Gradients want = m.gradients(batch, Loss.tokens(w));
        Gradients got;
        try (TrainingPass pass = m.trainingPass(batch)) {
            assertThat(pass.tokenLogProbs(responses)).isDeepEqualTo(separate);
            assertThat(Gpt2Weights.floats(pass.logitRows(responses))).containsExactly(Gpt2Weights.floats(m.logitRows(batch, responses)));
            got = pass.gradients(w);
            assertThat(pass.headReused()).as("the head's forward work reused").isTrue();
            assertThatThrownBy(() -> pass.gradients(w)).isInstanceOf(AnchorException.class).hasMessageContaining("already");
        }
        assertThat(got.loss()).isEqualTo(want.loss());
        assertThat(got.tokenLogProbs()).isDeepEqualTo(want.tokenLogProbs());
        assertThat(got.byParameter().keySet()).containsExactlyElementsOf(want.byParameter().keySet());
        want.byParameter().forEach((p, g) -> {
            assertThat(Gpt2Weights.floats(got.byParameter().get(p))).as(p).containsExactly(Gpt2Weights.floats(g));
            assertThat(g.amaxNumber().doubleValue()).as(p + " has a gradient").isGreaterThan(0);
        });
    }

    @Test
    void gradientsOverOtherRowsThanTheLogProbsAreStillBitwiseTheSeparatePass() {
        double[][] w = new double[2][5];
        w[0][3] = -0.25;                                                                 // one response token of row 0 only
        w[1][1] = 0.5;
        Gradients want = m.gradients(batch, Loss.tokens(w));
        Gradients got;
        try (TrainingPass pass = m.trainingPass(batch)) {
            pass.tokenLogProbs(responses);                                               // keeps the head's work for the response rows
            got = pass.gradients(w);                                                     // other rows: computed afresh
            assertThat(pass.headReused()).isFalse();
        }
        assertThat(got.loss()).isEqualTo(want.loss());
        want.byParameter().forEach((p, g) -> assertThat(Gpt2Weights.floats(got.byParameter().get(p))).as(p).containsExactly(Gpt2Weights.floats(g)));
    }

    @Test
    void atATemperatureTooTheOnePassIsBitwiseTheTwo() {
        double[][] separate = m.tokenLogProbs(batch, 0.7, responses);
        double[][] w = new double[2][5];
        for (int b = 0; b < 2; b++) for (int t = 0; t < 5; t++) w[b][t] = responses[b][t] * (b == 0 ? 0.375 : -0.5);
        Gradients want = m.gradients(batch, Loss.tokens(w).withTemperature(0.7));
        Gradients got;
        try (TrainingPass pass = m.trainingPass(batch, 0.7)) {
            assertThat(pass.tokenLogProbs(responses)).isDeepEqualTo(separate);
            assertThat(separate[0][3]).as("the temperature matters").isNotEqualTo(m.tokenLogProbs(batch, 1.0, responses)[0][3]);
            got = pass.gradients(w);
        }
        assertThat(got.loss()).isEqualTo(want.loss());
        want.byParameter().forEach((p, g) -> assertThat(Gpt2Weights.floats(got.byParameter().get(p))).as(p).containsExactly(Gpt2Weights.floats(g)));
    }

    @Test
    void theScalarHeadsPassGivesTheScoresAndGradientsOfTheTwoSeparatePassesBitwise() {
        Gpt2Model v = Gpt2Model.of(ScoreHeadTest.withHead(5));
        TokenBatch rows = TokenBatch.padded(ScoreHeadTest.ROWS, false);
        double[][] want = v.scores(rows);
        double[][] sw = new double[2][5];
        for (int b = 0; b < 2; b++) for (int t = 0; t < 5; t++) sw[b][t] = rows.mask()[b][t] * (0.125 * (t + 1) - 0.3 * b);
        Gradients wantGrads = v.gradients(rows, Loss.scores(sw));
        ReusingSession session = v.graph(2, 5, false, Gpt2Graph.Heads.SCORE).gradientSession();
        long reusedBefore = session.reusedOps();
        Gradients got;
        try (TrainingPass pass = v.scorePass(rows)) {
            assertThat(pass.scores()).isDeepEqualTo(want);
            assertThatThrownBy(() -> pass.tokenLogProbs(responses)).isInstanceOf(AnchorException.class).hasMessageContaining("no LM head");
            got = pass.scoreGradients(sw);
            assertThatThrownBy(() -> pass.scoreGradients(sw)).isInstanceOf(AnchorException.class).hasMessageContaining("already");
        }
        assertThat(session.reusedOps() - reusedBefore).as("forward ops answered from the kept pass, not run again").isGreaterThan(20);
        assertThat(got.loss()).isEqualTo(wantGrads.loss());
        assertThat(got.scores()).isDeepEqualTo(wantGrads.scores());
        assertThat(got.byParameter().keySet()).containsExactlyElementsOf(wantGrads.byParameter().keySet());
        wantGrads.byParameter().forEach((p, g) -> {
            assertThat(Gpt2Weights.floats(got.byParameter().get(p))).as(p).containsExactly(Gpt2Weights.floats(g));
            if (!p.equals("lm_head.weight")) assertThat(g.amaxNumber().doubleValue()).as(p + " has a gradient").isGreaterThan(0);
        });
    }

    @Test
    void aFrozenModelOpensNoPass() {
        assertThatThrownBy(() -> Gpt2Model.of(TestModels.allRandom(m.config(), 3), DataType.FLOAT, true).trainingPass(batch))
                .isInstanceOf(AnchorException.class).hasMessageContaining("frozen");
    }
}
