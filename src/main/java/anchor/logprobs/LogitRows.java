package anchor.logprobs;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The rows of (M, V) logit matrices, one row at a time as doubles, read straight from the arrays' memory and handed out
 * on every core. A response's M rows each need a pass over the whole vocabulary (a log-softmax, an exact KL): copying
 * both matrices into Java arrays first cost as much as those passes, and one core did all of them.
 */
public final class LogitRows {
    private LogitRows() {
    }

    /** What is done with row k of one matrix (and of a second one, or null). */
    public interface Body {
        void accept(int k, double[] row, double[] otherRow);
    }

    /**
     * Calls {@code body} once for each row k of {@code logits} (M, V) — with row k of {@code other} (M, V) too when it is
     * given — in parallel over rows. The row arrays are reused between calls on one thread: read them, do not keep them.
     * Whatever the order of the calls, each row's values are exactly the array's (float → double is exact).
     */
    public static void forEach(INDArray logits, INDArray other, Body body) {
        int M = (int) logits.size(0), V = (int) logits.size(1);
        if (other != null && (other.size(0) != M || other.size(1) != V)) throw new anchor.AnchorException("the two models' logits differ in shape");
        Reader a = reader(logits), b = other == null ? null : reader(other);
        ThreadLocal<double[][]> scratch = ThreadLocal.withInitial(() -> new double[][]{new double[V], other == null ? null : new double[V]});
        IntStream.range(0, M).parallel().forEach(k -> {
            double[][] rows = scratch.get();
            a.read(k, rows[0]);
            if (b != null) b.read(k, rows[1]);
            body.accept(k, rows[0], rows[1]);
        });
        // an NIO view does not keep ND4J's memory alive: without this, the arrays (the DOUBLE copy always) could be
        // collected and their memory freed while the loop still reads it (PIT's JVM crashed so in a bulk copy)
        java.lang.ref.Reference.reachabilityFence(a);
        java.lang.ref.Reference.reachabilityFence(b);
    }

    /**
     * Row k of a contiguous c-order FLOAT matrix, read in place; any other matrix is copied to DOUBLE first (gradient
     * checks). {@code source} is the array whose memory the buffer views, held so that it lives as long as the reader.
     */
    private record Reader(INDArray source, FloatBuffer floats, DoubleBuffer doubles, int V) {
        void read(int k, double[] into) {
            if (floats != null) {
                for (int v = 0, at = k * V; v < V; v++) into[v] = floats.get(at + v);
            } else {
                doubles.get(k * V, into, 0, V);
            }
        }
    }

    private static Reader reader(INDArray m) {
        int V = (int) m.size(1);
        if (anchor.gpt2.Gpt2Weights.flatFloat(m)) return new Reader(m, m.data().asNioFloat(), null, V);
        INDArray copy = m.castTo(DataType.DOUBLE).dup('c');
        return new Reader(copy, null, copy.data().asNioDouble(), V);
    }
}
