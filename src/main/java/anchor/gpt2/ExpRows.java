package anchor.gpt2;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The LM head's softmax numerator, row by row on both cores, in place: for a (K, V) block of logits z,
 * <pre>
 * m_k = max_v z[k, v];   shifted_k = z[k, y_k] − m_k;   z[k, v] ← e^(z[k, v] − m_k);   sum_k = Σ_v z[k, v]
 * </pre>
 * Bit for bit what ND4J's {@code max(1)}, {@code subiColumnVector}, {@code exp} and {@code sum(1)} give (the same
 * float subtraction, glibc's {@code expf} through {@link FloatExp}, the sum in row order as libnd4j adds a row of a
 * block of two or more rows; {@code ExpRowsTest}, on finite logits — a row holding NaN gives a NaN sum and log-prob
 * either way), in one pass over memory instead of four ND4J calls on the
 * world's (128, 50,257) blocks the head's element-wise work took twice its GEMM's time.
 */
final class ExpRows {
    private ExpRows() {
    }

    /** Whether {@link #apply} computes {@code z} bit for bit as ND4J would: FLOAT, row-major, contiguous, two rows or more. */
    static boolean fits(INDArray z) {
        return z.dataType() == DataType.FLOAT && z.rank() == 2 && z.rows() >= 2 && z.ordering() == 'c'
                && z.stride(1) == 1 && z.stride(0) == z.columns();
    }

    /**
     * @param z       (K, V) logits, changed in place to e^(z − row max)
     * @param cols    (K) the column y_k whose shifted logit each row reports
     * @param shifted (K) out: z[k, y_k] − m_k
     * @return (K) the row sums of the new z, FLOAT
     */
    static INDArray apply(INDArray z, int[] cols, double[] shifted) {
        if (!fits(z)) throw new IllegalArgumentException("ExpRows needs a row-major FLOAT block of two rows or more");
        int K = (int) z.rows(), V = (int) z.columns();
        long base = z.offset();
        FloatBuffer all = z.data().asNioFloat();
        float[] sums = new float[K];
        IntStream.range(0, K).parallel().forEach(k -> {
            int at = (int) (base + (long) k * V);
            float max = Float.NEGATIVE_INFINITY;
            for (int v = 0; v < V; v++) {
                float x = all.get(at + v);
                if (x > max || Float.isNaN(x)) max = x;
            }
            shifted[k] = all.get(at + cols[k]) - max;
            float sum = 0f;
            for (int v = 0; v < V; v++) {
                float e = FloatExp.exp(all.get(at + v) - max);
                all.put(at + v, e);
                sum += e;
            }
            sums[k] = sum;
        });
        java.lang.ref.Reference.reachabilityFence(z);                  // the NIO view above does not keep z's memory alive
        return Nd4j.createFromArray(sums);
    }
}
