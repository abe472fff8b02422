package anchor.gpt2;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link FloatExp} and {@link ExpRows} give ND4J's own bits: the LM head's numbers do not change with them. */
class ExpRowsTest {

    /** Every 97th float bit pattern over the whole range (44 million values), and the special values, against ND4J's exp. */
    @Test
    void floatExpIsNd4jsExpBitForBit() {
        int n = 1 << 22;
        float[] x = new float[n];
        int differ = 0;
        for (long start = 0; start < (1L << 32); start += (long) n * 97) {
            int m = (int) Math.min(n, ((1L << 32) - start + 96) / 97);
            for (int i = 0; i < m; i++) x[i] = Float.intBitsToFloat((int) (start + 97L * i));
            differ += differences(java.util.Arrays.copyOf(x, m));
        }
        differ += differences(new float[]{0f, -0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -103.9f, -104f,
                -87.33f, 88.72f, 88.73f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.intBitsToFloat(0xc27c65d9), Float.intBitsToFloat(0x4202422f)});
        assertThat(differ).isZero();
    }

    private static int differences(float[] x) {
        float[] nd4j = Transforms.exp(Nd4j.createFromArray(x), false).data().asFloat();
        int differ = 0;
        for (int i = 0; i < x.length; i++) {
            float mine = FloatExp.exp(x[i]);
            if (Float.floatToIntBits(mine) != Float.floatToIntBits(nd4j[i])) differ++;      // floatToIntBits: every NaN alike
        }
        return differ;
    }

    @Test
    void rowsAreNd4jsMaxShiftExpAndSumBitForBit() {
        Random r = new Random(7);
        for (int[] kv : new int[][]{{2, 50_257}, {3, 1_000}, {17, 50_257}, {128, 50_257}, {5, 7}}) {
            int K = kv[0], V = kv[1];
            float[] values = new float[K * V];
            for (int i = 0; i < values.length; i++) values[i] = (float) (r.nextGaussian() * 6);
            int[] cols = r.ints(K, 0, V).toArray();

            INDArray expected = Nd4j.create(values, new long[]{K, V}, 'c');
            INDArray max = expected.max(1);
            expected.subiColumnVector(max);
            double[] expectedShifted = new double[K];
            for (int k = 0; k < K; k++) expectedShifted[k] = expected.getDouble(k, cols[k]);
            Transforms.exp(expected, false);
            float[] expectedSums = expected.sum(1).data().asFloat();

            INDArray block = Nd4j.create(DataType.FLOAT, K + 3, V);                     // a view of the first K rows, as LmHead's last chunk
            INDArray z = block.get(NDArrayIndex.interval(0, K), NDArrayIndex.all());
            z.assign(Nd4j.create(values, new long[]{K, V}, 'c'));
            double[] shifted = new double[K];
            float[] sums = ExpRows.apply(z, cols, shifted).data().asFloat();

            float[] mine = z.dup('c').data().asFloat(), nd4j = expected.data().asFloat();
            int differ = 0;
            for (int i = 0; i < mine.length; i++) if (Float.floatToIntBits(mine[i]) != Float.floatToIntBits(nd4j[i])) differ++;
            assertThat(differ).as("elements of exp(z − max) that differ, K=%d V=%d", K, V).isZero();
            assertThat(sums).as("row sums").containsExactly(expectedSums);
            assertThat(shifted).as("shifted target logits").containsExactly(expectedShifted);
        }
    }

    @Test
    void onlyBlocksItComputesAsNd4jDoes() {
        assertThat(ExpRows.fits(Nd4j.create(DataType.FLOAT, 1, 10))).as("one row: libnd4j sums it in another order").isFalse();
        assertThat(ExpRows.fits(Nd4j.create(DataType.DOUBLE, 4, 10))).isFalse();
        assertThat(ExpRows.fits(Nd4j.create(DataType.FLOAT, new long[]{4, 10}, 'f'))).isFalse();
        assertThat(ExpRows.fits(Nd4j.create(DataType.FLOAT, 4, 10))).isTrue();
        assertThatThrownBy(() -> ExpRows.apply(Nd4j.create(DataType.FLOAT, 1, 10), new int[1], new double[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
