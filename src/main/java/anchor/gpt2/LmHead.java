package anchor.gpt2;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The LM head and its log-softmax, outside the graph and a chunk of rows at a time, so the (rows × vocabulary) logits
 * never exist for the whole batch: one reused (CHUNK, V) buffer, three GEMMs per chunk. For hidden states H (N, C)
 * (the final layer norm's output), the tied head W (V, C), targets y (N) and the logit scale s = 1/T:
 * <pre>
 * z_n     = s · H_n Wᵀ                                (V)     one chunk of rows at a time
 * logp_n  = z_n[y_n] − logsumexp(z_n)
 * with loss weights w_n = ∂L/∂logp_n (the backward pass):
 * G_n     = w_n · s · (onehot(y_n) − softmax(z_n))    (V)     ∂L/∂(H_n Wᵀ)
 * ∂L/∂H_n = G_n W                                     (C)     fed back into the graph as the trunk's output gradient
 * ∂L/∂W  += G_nᵀ H_n                                  (V, C)  added to wte's gradient (the head is tied)
 * </pre>
 * Only the rows asked for are computed: the head is most of a small model's work, and a batch's padding and prompt
 * positions (often half its rows or more) need no log-prob.
 * Inside the SameDiff graph the same head allocated about a dozen (B, T, V) arrays per training step (logits, scaled
 * logits, log-softmax, one-hot, products and their gradients); on the world's shape that was most of a PPO update.
 */
final class LmHead {
    private LmHead() {
    }

    static final int CHUNK = 128;

    /** ∂L/∂logp of row n given its log-prob (asked once per row, in row order, right after that row's logp is known). */
    interface RowWeights {
        double at(int row, double logp);
    }

    /** logp (N) and, when weights were given, ∂L/∂H (N, C) and ∂L/∂W (V, C); the forward's chunks when asked to keep them. */
    record Result(double[] logp, INDArray hGrad, INDArray wGrad, Kept kept) {
    }

    /** Bytes of (rows × vocabulary) a forward pass may keep for its backward pass (a GPT-2 DPO batch of ~1,300 response tokens). */
    static final long KEEP_BYTES = 256L << 20;

    /**
     * A forward pass's work kept for the backward pass over the same rows: per chunk, exp(z − max) (K, V) and its row
     * sums — what the backward pass would otherwise compute again (one GEMM and a pass of exp over every logit).
     */
    static final class Kept implements AutoCloseable {
        private final int[] rows;
        private final java.util.List<INDArray> chunks = new java.util.ArrayList<>(), sums = new java.util.ArrayList<>();
        private final double[] logp;                                                           // (M) per kept row

        private Kept(int[] rows) {
            this.rows = rows;
            this.logp = new double[rows.length];
        }

        private void keep(INDArray z, INDArray sum, double[] all, int[] rows, int from) {
            chunks.add(z);
            sums.add(sum);
            for (int k = 0; k < z.rows(); k++) logp[from + k] = all[rows[from + k]];
        }

        private double logp(int m) {
            return logp[m];
        }

        /** Whether a backward pass over {@code rows} can use it (the same rows, so the same chunks). */
        boolean fits(int[] rows) {
            return java.util.Arrays.equals(this.rows, rows) && chunks.size() == (rows.length + CHUNK - 1) / CHUNK;
        }

        @Override
        public void close() {
            chunks.forEach(INDArray::close);
            chunks.clear();
            sums.clear();
        }
    }

    /**
     * @param h       (N, C) hidden states, c-order
     * @param w       (V, C) the head, in h's data type
     * @param targets (N) the token each row predicts (any valid id where the row is not computed)
     * @param rows    which of the N rows to compute (ascending): the others get logp 0 and no gradient — padding, and
     *                positions whose log-prob no one asked for (a prompt's), cost nothing
     * @param weights ∂L/∂logp per computed row, or null for the forward pass only
     * @param scale   1/T
     */
    static Result apply(INDArray h, INDArray w, int[] targets, int[] rows, RowWeights weights, double scale) {
        return apply(h, w, targets, rows, weights, scale, false, null);
    }

    /**
     * @param keep    (forward pass only) keep each chunk's exp(z − max) and sums in {@link Result#kept} when they fit in
     *                {@link #KEEP_BYTES}
     * @param kept    (backward pass) a forward pass's kept chunks over the same rows ({@link Kept#fits}), used and freed:
     *                the same arrays the recomputation would give, so the results are bitwise the same
     */
    static Result apply(INDArray h, INDArray w, int[] targets, int[] rows, RowWeights weights, double scale, boolean keep, Kept kept) {
        int N = (int) h.rows(), C = (int) h.columns(), V = (int) w.rows(), M = rows.length;
        DataType dt = h.dataType();
        double[] logp = new double[N];
        INDArray hGrad = weights == null || M < N ? null : Nd4j.create(dt, N, C);           // (N, C) when every row is computed
        INDArray wGrad = weights == null ? null : Nd4j.create(dt, V, C);
        if (M == 0) return new Result(logp, weights == null ? null : Nd4j.create(dt, N, C), wGrad, null);
        if (kept != null && !kept.fits(rows)) throw new IllegalArgumentException("kept chunks of other rows");
        Kept keeping = keep && weights == null && kept == null && (long) M * V * dt.width() <= KEEP_BYTES ? new Kept(rows) : null;
        INDArray hm = M == N ? h : Nd4j.pullRows(h, 1, rows);                                 // (M, C) the computed rows
        INDArray gm = weights == null ? null : M == N ? hGrad : Nd4j.create(dt, M, C);        // (M, C) their ∂L/∂H
        INDArray buffer = kept != null || keeping != null ? null : Nd4j.create(dt, Math.min(CHUNK, M), V); // (K, V), reused
        for (int from = 0, chunk = 0; from < M; from += CHUNK, chunk++) {
            int K = Math.min(CHUNK, M - from);
            INDArray hk = hm.get(NDArrayIndex.interval(from, from + K), NDArrayIndex.all()).dup('c'); // (K, C)
            INDArray z, sum;                                                                   // (K, V) exp(z − max), (K)
            if (kept != null) {
                z = kept.chunks.get(chunk);
                sum = kept.sums.get(chunk);
                for (int k = 0; k < K; k++) logp[rows[from + k]] = kept.logp(from + k);
            } else {
                z = buffer == null ? Nd4j.create(dt, K, V) : K == buffer.rows() ? buffer : buffer.get(NDArrayIndex.interval(0, K), NDArrayIndex.all());
                Nd4j.gemm(hk, w, z, false, true, scale, 0.0);                                  // z = s · H_k Wᵀ
                double[] target = new double[K];                                               // z[k, y] − max
                if (ExpRows.fits(z)) {                                                         // the same numbers, one pass, both cores
                    int[] cols = new int[K];
                    for (int k = 0; k < K; k++) cols[k] = targets[rows[from + k]];
                    sum = ExpRows.apply(z, cols, target);                                      // (K); z ← exp(z − max) in place
                } else {
                    INDArray max = z.max(1);                                                   // (K)
                    z.subiColumnVector(max);
                    for (int k = 0; k < K; k++) target[k] = z.getDouble(k, targets[rows[from + k]]);
                    Transforms.exp(z, false);                                                  // in place
                    sum = z.sum(1);                                                            // (K)
                }
                for (int k = 0; k < K; k++) logp[rows[from + k]] = target[k] - Math.log(sum.getDouble(k));
                if (keeping != null) keeping.keep(z, sum, logp, rows, from);
            }
            if (weights == null) continue;
            double[] wk = new double[K], coef = new double[K];
            for (int k = 0; k < K; k++) {
                int n = rows[from + k];
                wk[k] = weights.at(n, logp[n]);
                coef[k] = -wk[k] * scale / sum.getDouble(k);
            }
            z.muliColumnVector(Nd4j.createFromArray(coef).castTo(dt).reshape(K, 1));         // −w·s·softmax
            for (int k = 0; k < K; k++) {
                int y = targets[rows[from + k]];
                z.putScalar(k, y, z.getDouble(k, y) + wk[k] * scale);                          // + w·s·onehot
            }
            Nd4j.gemm(z, w, gm.get(NDArrayIndex.interval(from, from + K), NDArrayIndex.all()), false, false, 1.0, 0.0); // ∂L/∂H_k = G W (K, C)
            Nd4j.gemm(z, hk, wGrad, true, false, 1.0, 1.0);                                    // ∂L/∂W += Gᵀ H_k
        }
        if (buffer != null) buffer.close();
        if (kept != null) kept.close();
        if (gm != null && gm != hGrad) {
            hGrad = scatterRows(gm, rows, N);                                                  // back to their places in (N, C)
            gm.close();
        }
        if (hm != h) hm.close();
        return new Result(logp, hGrad, wGrad, keeping);
    }

    /** (N, C) zeros with row k of {@code m} (M, C) at row {@code rows[k]} (copied on the Java side: one ND4J call per row is slow). */
    private static INDArray scatterRows(INDArray m, int[] rows, int N) {
        int C = (int) m.columns();
        if (m.dataType() == DataType.DOUBLE) {
            double[] src = m.dup('c').data().asDouble(), out = new double[N * C];
            for (int k = 0; k < rows.length; k++) System.arraycopy(src, k * C, out, rows[k] * C, C);
            return Nd4j.create(out, new long[]{N, C}, 'c');
        }
        float[] src = m.dup('c').data().asFloat(), out = new float[N * C];
        for (int k = 0; k < rows.length; k++) System.arraycopy(src, k * C, out, rows[k] * C, C);
        return Nd4j.create(out, new long[]{N, C}, 'c').castTo(m.dataType());
    }

    /** The logits (M, V) at the given rows of h (N, C): z = H_rows Wᵀ, unscaled, nothing else. */
    static INDArray logits(INDArray h, INDArray w, int[] rows) {
        INDArray hm = Nd4j.pullRows(h, 1, rows);                                                // (M, C)
        INDArray z = Nd4j.create(h.dataType(), rows.length, w.rows());                          // (M, V)
        Nd4j.gemm(hm, w, z, false, true, 1.0, 0.0);                                             // z = H_m Wᵀ
        hm.close();
        return z;
    }

    /** The indices n where {@code wanted[n]}, ascending. */
    static int[] selected(boolean[] wanted) {
        int M = 0;
        for (boolean x : wanted) if (x) M++;
        int[] rows = new int[M];
        for (int n = 0, k = 0; n < wanted.length; n++) if (wanted[n]) rows[k++] = n;
        return rows;
    }
}
