package anchor.gpt2;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Gemm} gives bit for bit what ND4J's own GEMM paths give — {@code Nd4j.gemm}, the {@code matmul} op and its
 * gradient op {@code matmul_bp} — in every orientation and on the shapes this project multiplies (the world's width
 * 128, GPT-2's 768, few-row products, the vocabulary's 50,257 columns), with views and accumulation.
 */
class GemmTest {
    /** (M, K, N): the world's trunk, GPT-2's trunk with one and with eight rows, odd sizes, the LM head's chunk. */
    private static final int[][] SHAPES = {{512, 128, 384}, {512, 512, 128}, {64, 128, 50257}, {8, 768, 3072}, {4, 3072, 768},
            {256, 768, 2304}, {7, 13, 5}, {1, 128, 512}, {33, 65, 17}};

    private static INDArray random(long rows, long cols, long seed) {
        Random g = new Random(seed);
        float[] a = new float[(int) (rows * cols)];
        for (int i = 0; i < a.length; i++) a[i] = (float) g.nextGaussian();
        return Nd4j.create(a, new long[]{rows, cols}, 'c');
    }

    private static float[] floats(INDArray x) {
        return x.dup('c').data().asFloat();
    }

    /** Equal bit for bit, element by element (AssertJ's containsExactly diffs in quadratic time: hours at these sizes). */
    private static void assertBitwise(INDArray got, INDArray want, String what) {
        float[] g = floats(got), w = floats(want);
        assertThat(g.length).as(what + ": elements").isEqualTo(w.length);
        int differ = 0;
        for (int i = 0; i < g.length; i++) if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(w[i])) differ++;
        assertThat(differ).as(what + ": elements that differ, of " + g.length).isZero();
    }

    @Test
    void everyOrientationIsBitwiseNd4jsGemm() {
        for (int[] s : SHAPES)
            for (boolean ta : new boolean[]{false, true})
                for (boolean tb : new boolean[]{false, true}) {
                    int m = s[0], k = s[1], n = s[2];
                    INDArray a = ta ? random(k, m, 1) : random(m, k, 1), b = tb ? random(n, k, 2) : random(k, n, 2);
                    INDArray want = random(m, n, 3), got = want.dup('c');
                    Nd4j.gemm(a, b, want, ta, tb, 0.75, 1.0);                                       // with α and accumulation
                    Gemm.into(a, b, got, ta, tb, 0.75, 1.0);
                    String at = s[0] + "×" + s[1] + "×" + s[2] + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "");
                    assertBitwise(got, want, at);
                    assertBitwise(Gemm.product(a, b, ta, tb), Nd4j.gemm(a, b, ta, tb), at + ", new output");
                }
    }

    @Test
    void theMatmulOpAndItsGradientAreBitwiseTheSame() {
        for (int[] s : SHAPES) {
            INDArray a = random(s[0], s[1], 4), b = random(s[1], s[2], 5), eps = random(s[0], s[2], 6);
            INDArray z = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            Nd4j.exec(new Mmul(a, b, z, MMulTranspose.allFalse()));
            String at = s[0] + "×" + s[1] + "×" + s[2];
            assertBitwise(Gemm.product(a, b, false, false), z, at + " matmul");
            INDArray da = Nd4j.create(DataType.FLOAT, s[0], s[1]), db = Nd4j.create(DataType.FLOAT, s[1], s[2]);
            Nd4j.exec(new MmulBp(a, b, eps, da, db, MMulTranspose.allFalse()));
            assertBitwise(Gemm.product(eps, b, false, true), da, at + " matmul_bp ∂L/∂A = ε·Bᵀ");
            assertBitwise(Gemm.product(a, eps, true, false), db, at + " matmul_bp ∂L/∂B = Aᵀ·ε");
        }
    }

    @Test
    void aTrainingPassThroughGemmIsBitwiseThePassThroughNd4jsOps() {
        Gpt2Config config = new Gpt2Config(2, 2, 16, 32, Gpt2Config.GPT2_VOCAB, 32, 1e-5, true, 0.1, 0.1, 0.1, 0.02);
        Gpt2Model m = Gpt2Model.of(Gpt2Init.random(config, 5), DataType.FLOAT, false);
        TokenBatch batch = TokenBatch.padded(new int[][]{{5, 9, 11, 2, 40, 7}, {3, 1, 4}}, true);
        double[][] w = {{0.3, -0.2, 0.5, 0.1, -0.4}, {0, 0, 0, 0.7, -0.1}};
        Gpt2Model.Gradients direct = m.gradients(batch, w, null, new Random(11));
        double[][] logProbsDirect = m.tokenLogProbs(batch);
        assertThat(m.graph(2, 6, true).gradientSession().directGemms())
                .as("the gradient of each block's four Conv1D layers (their forward matmuls are the first pass's, reused)").isEqualTo(2 * 4);
        Gpt2Model.Gradients stock;
        double[][] logProbsStock;
        try {
            ReusingSession.gemmDirect = false;
            stock = m.gradients(batch, w, null, new Random(11));
            logProbsStock = m.tokenLogProbs(batch);
        } finally {
            ReusingSession.gemmDirect = true;
        }
        assertThat(direct.loss()).isEqualTo(stock.loss());
        assertThat(logProbsDirect).isDeepEqualTo(logProbsStock);
        stock.byParameter().forEach((p, g) -> assertBitwise(direct.byParameter().get(p), g, p));
    }

    @Test
    void viewsOfRowsAndColumnsAreReadAndWrittenInPlace() {
        INDArray big = random(40, 30, 7), b = random(30, 12, 8);
        INDArray rows = big.get(NDArrayIndex.interval(5, 17), NDArrayIndex.all());          // (12, 30), offset
        INDArray out = random(50, 20, 9), want = out.dup('c');
        INDArray outView = out.get(NDArrayIndex.interval(3, 15), NDArrayIndex.interval(4, 16)); // (12, 12), rows with gaps
        Gemm.into(rows, b, outView, false, false, 1.0, 0.0);
        want.get(NDArrayIndex.interval(3, 15), NDArrayIndex.interval(4, 16)).assign(Nd4j.gemm(rows.dup('c'), b, false, false));
        assertBitwise(out, want, "only the view's elements change, to Nd4j.gemm's values");
    }

    @Test
    void otherArraysGoThroughNd4j() {
        INDArray a = random(6, 4, 10).castTo(DataType.DOUBLE), b = random(4, 3, 11).castTo(DataType.DOUBLE);
        assertThat(Gemm.direct(a)).isFalse();
        assertThat(Gemm.product(a, b, false, false).toDoubleMatrix()).isDeepEqualTo(Nd4j.gemm(a, b, false, false).toDoubleMatrix());
        INDArray f = random(6, 4, 12).dup('f');
        assertThat(Gemm.direct(f)).isFalse();
        assertBitwise(Gemm.product(f, random(4, 3, 11), false, false), Nd4j.gemm(f, random(4, 3, 11), false, false), "f-order");
    }
}
