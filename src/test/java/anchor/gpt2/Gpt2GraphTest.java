package anchor.gpt2;

import anchor.testing.Comparator;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The SameDiff graph against the independent plain-Java float64 forward: per layer first, then the logits. */
class Gpt2GraphTest {
    static final double TOL = 1e-4;

    static double[] row(INDArray a, int b, int t) {
        return a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b), org.nd4j.linalg.indexing.NDArrayIndex.point(t),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup().toDoubleVector();
    }

    static double[] rows(INDArray a, int b, int from, int to) {
        double[] out = new double[0];
        for (int t = from; t < to; t++) {
            double[] r = row(a, b, t);
            double[] n = java.util.Arrays.copyOf(out, out.length + r.length);
            System.arraycopy(r, 0, n, out.length, r.length);
            out = n;
        }
        return out;
    }

    @Test
    void everyLayerMatchesThePlainJavaForward() {
        Gpt2Weights w = TestModels.allRandom(TestModels.tiny(), 7);
        int[] ids = {15496, 11, 703, 389, 345, 1804, 1909, 30, 50256, 0};
        Map<String, double[][]> expected = new PlainGpt2(w).activations(ids);
        Map<String, INDArray> actual = Gpt2Model.of(w).activations(TokenBatch.of(ids));
        for (String name : expected.keySet()) {
            Comparator.check(name, Comparator.flatten(expected.get(name)), rows(actual.get(name), 0, 0, ids.length), TOL);
        }
    }

    @Test
    void untiedHeadAndDefaultInitMatch() {
        Gpt2Config c = TestModels.tiny().withTiedEmbeddings(false);
        Gpt2Weights w = TestModels.allRandom(c, 11);
        int[] ids = {1, 2, 3, 50000, 4};
        Comparator.check("logits, untied head", Comparator.flatten(new PlainGpt2(w).logits(ids)),
                rows(Gpt2Model.of(w).logits(TokenBatch.of(ids)), 0, 0, ids.length), TOL);
    }

    @Test
    void paddingLeftOrRightLeavesRealTokensUnchanged() {
        Gpt2Weights w = TestModels.allRandom(TestModels.tiny(), 3);
        Gpt2Model m = Gpt2Model.of(w);
        PlainGpt2 plain = new PlainGpt2(w);
        int[][] seqs = {{464, 3290, 318, 257}, {40, 588, 257, 1332, 1110, 13, 50256}, {9}};
        for (boolean left : new boolean[]{false, true}) for (boolean bucket : new boolean[]{false, true}) {
            TokenBatch batch = bucket ? TokenBatch.bucketed(seqs, left, 32) : TokenBatch.padded(seqs, left);
            assertThat(batch.length()).isEqualTo(bucket ? TokenBatch.BUCKET : 7);
            INDArray logits = m.logits(batch);
            for (int b = 0; b < seqs.length; b++) {
                int off = left ? batch.length() - seqs[b].length : 0;
                Comparator.check((left ? "left" : "right") + "-padded" + (bucket ? " to a bucket" : "") + ", row " + b,
                        Comparator.flatten(plain.logits(seqs[b])), rows(logits, b, off, off + seqs[b].length), TOL);
            }
        }
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(TestModels.tiny(), 5));
        TokenBatch batch = TokenBatch.of(1, 2, 3, 4, 5);
        INDArray eval1 = m.logits(batch), eval2 = m.logits(batch);
        assertThat(eval1.equals(eval2)).isTrue();
        INDArray train1 = m.logitsTraining(batch, new Random(1)), train2 = m.logitsTraining(batch, new Random(2));
        INDArray train1Again = m.logitsTraining(batch, new Random(1));
        assertThat(train1.equalsWithEps(eval1, 1e-3)).isFalse();
        assertThat(train1.equalsWithEps(train2, 1e-3)).isFalse();
        assertThat(train1.equals(train1Again)).as("same seed, same masks").isTrue();
    }

    @Test
    void gpt2PresetHas124439808TrainableParametersInTheGraph() {
        // Document 1, "Enter the Reference Model": "Policy model: 124,439,808 trainable parameters" (exact).
        final long DOC1_POLICY_TRAINABLE = 124_439_808L;
        Gpt2Config c = Gpt2Config.preset("gpt2");
        assertThat(c.parameterCount()).isEqualTo(DOC1_POLICY_TRAINABLE);
        assertThat(Gpt2Model.of(Gpt2Init.random(c, 0)).trainableParameterCount()).isEqualTo(DOC1_POLICY_TRAINABLE);
    }

    @Test
    void presetCountsMatchTheirAnnotations() {
        assertThat(Gpt2Config.preset("gpt2-medium").parameterCount()).isEqualTo(354_823_168L);
        assertThat(Gpt2Config.preset("gpt2-large").parameterCount()).isEqualTo(774_030_080L);
        assertThat(Gpt2Config.preset("gpt2-xl").parameterCount()).isEqualTo(1_557_611_200L);
        assertThat(Gpt2Config.preset("gpt2-tiny").parameterCount()).isEqualTo(3_324_736L);
        Gpt2Config tiny = TestModels.tiny();
        assertThat(Gpt2Model.of(TestModels.allRandom(tiny, 1)).trainableParameterCount()).isEqualTo(tiny.parameterCount());
    }

    @Test
    void geluNewMatchesKnownValues() {
        // gelu_new(1) = 0.5·(1 + tanh(√(2/π)·1.044715)) = 0.8411920; exact GELU(1) would be 0.8413447.
        assertThat(GeluNew.value(1.0)).isCloseTo(0.841192, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(GeluNew.value(-3.0)).isCloseTo(-0.003637, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(GeluNew.value(0.0)).isZero();
    }
}
