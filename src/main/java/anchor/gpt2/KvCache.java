package anchor.gpt2;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * GPT-2's forward pass for generation with a key/value cache: every call feeds the next {@code n} slots of each row,
 * stores their keys and values per layer, lets them attend to every earlier slot's cached keys and values, and runs
 * the LM head only at the last new slot. Prefill is one call with the whole left-padded prompt block; each sampled
 * token is then one call with n = 1, whose cost no longer grows with the sequence: the dense layers are one GEMM of
 * B rows each ({@code Nd4j.gemm}), attention reads the cache. Same math as {@link Gpt2Graph} in eval mode (no
 * dropout), in FP32:
 * <pre>
 * x = wte[id] + wpe[pos]
 * per block:  a = ln_1(x);  q, k, v = split(a·W_attn + b);  cache ← (k, v)
 *             y = softmax(q·Kᵀ/√d over real cached slots ≤ this one) · V;  x += y·W_proj + b
 *             x += gelu_new(ln_2(x)·W_fc + b)·W_mlp + b
 * logits = ln_f(x_last) · wteᵀ
 * </pre>
 * A padding slot's keys are never attended to, so padding changes no real token's numbers.
 */
final class KvCache {
    private final Gpt2Config c;
    private final Map<String, INDArray> params;
    private final int B, capacity, H, D, C;
    private final float[][] keys, values;      // per layer: (B, H, capacity, D)
    private final boolean[][] real;            // (B, capacity): whether the slot holds a real token
    private int filled;
    private final Map<String, INDArray> matrices = new java.util.HashMap<>();   // FP32 weights, cast once per cache
    private final Map<String, float[]> vectors = new java.util.HashMap<>();     // biases and layer-norm gains, read once

    KvCache(Gpt2Config c, Map<String, INDArray> params, int batch, int capacity) {
        this.c = c;
        this.params = params;
        this.B = batch;
        this.capacity = capacity;
        this.H = c.nHead();
        this.D = c.headDim();
        this.C = c.nEmbd();
        this.keys = new float[c.nLayer()][B * H * capacity * D];
        this.values = new float[c.nLayer()][B * H * capacity * D];
        this.real = new boolean[B][capacity];
    }

    int filled() {
        return filled;
    }

    /**
     * Feeds slots {@code filled … filled+n−1} of every row.
     *
     * @param ids       (B, n) token ids (any valid id on padding)
     * @param isReal    (B, n) false for padding slots
     * @param positions (B, n) position ids (the number of real tokens before the slot in its row)
     * @return logits (B, V) at the last new slot of each row
     */
    INDArray feed(int[][] ids, boolean[][] isReal, int[][] positions) {
        int n = ids[0].length, M = B * n;
        if (filled + n > capacity) throw new IllegalStateException("KV cache full: " + filled + " + " + n + " > " + capacity);
        int[] flatIds = new int[M], flatPos = new int[M];
        for (int b = 0; b < B; b++) {
            System.arraycopy(ids[b], 0, flatIds, b * n, n);
            System.arraycopy(positions[b], 0, flatPos, b * n, n);
            System.arraycopy(isReal[b], 0, real[b], filled, n);
        }
        float[] x = rowMajor(GraphInputs.embed(params, DataType.FLOAT, flatIds, flatPos), true); // (M, C)
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "h." + l + ".";
            float[] qkv = linear(layerNorm(x, M, h + "ln_1"), M, h + "attn.c_attn");        // (M, 3C)
            float[] y = attend(qkv, l, n);                                                  // (M, C)
            addInPlace(x, linear(y, M, h + "attn.c_proj"));                                 // (M, C)
            float[] f = linear(layerNorm(x, M, h + "ln_2"), M, h + "mlp.c_fc");             // (M, I)
            gelu(f, M);
            addInPlace(x, linear(f, M, h + "mlp.c_proj"));                                  // (M, C)
        }
        filled += n;
        float[] last = new float[B * C];                                                    // (B, C)
        for (int b = 0; b < B; b++) System.arraycopy(x, (b * n + n - 1) * C, last, b * C, C);
        INDArray head = matrix(c.lmHeadWeight());   // (V, C)
        INDArray h = Nd4j.create(layerNorm(last, B, "ln_f"), new long[]{B, C}, 'c');      // (B, C)
        INDArray logits = Nd4j.gemm(h, head, false, true);                                  // (B, V)
        h.close();
        return logits;
    }

    /** Stores the new slots' k and v in the cache, then attention of their q over all real slots up to each one. */
    private float[] attend(float[] qkv, int layer, int n) {
        float[] K = keys[layer], V = values[layer];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < n; t++) {
                int row = (b * n + t) * 3 * C, slot = filled + t;
                for (int hd = 0; hd < H; hd++) {
                    int at = ((b * H + hd) * capacity + slot) * D;
                    System.arraycopy(qkv, row + C + hd * D, K, at, D);
                    System.arraycopy(qkv, row + 2 * C + hd * D, V, at, D);
                }
            }
        float[] y = new float[B * n * C];
        double scale = 1.0 / Math.sqrt(D);
        double[] s = new double[capacity];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < n; t++) {
                int slot = filled + t;
                if (!real[b][slot]) continue;                          // a padding query: its output is never read
                int q = (b * n + t) * 3 * C;
                for (int hd = 0; hd < H; hd++) {
                    int base = (b * H + hd) * capacity;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= slot; j++) {
                        if (!real[b][j]) continue;
                        double dot = 0;
                        for (int d = 0; d < D; d++) dot += qkv[q + hd * D + d] * K[(base + j) * D + d];
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= slot; j++) if (real[b][j]) sum += s[j] = Math.exp(s[j] - max);
                    int out = (b * n + t) * C + hd * D;
                    for (int j = 0; j <= slot; j++) {
                        if (!real[b][j]) continue;
                        float p = (float) (s[j] / sum);
                        for (int d = 0; d < D; d++) y[out + d] += p * V[(base + j) * D + d];
                    }
                }
            }
        return y;
    }

    /** gelu_new in place on (rows, I), the rows split over the cores when there are enough of them (fdlibm's tanh is slow). */
    private static void gelu(float[] f, int rows) {
        int width = f.length / rows, parts = rows * width < (1 << 14) ? 1 : Math.min(rows, Runtime.getRuntime().availableProcessors());
        java.util.stream.IntStream.range(0, parts).parallel().forEach(part -> {
            for (int i = part * rows / parts * width, end = (part + 1) * rows / parts * width; i < end; i++) f[i] = (float) GeluNew.value(f[i]);
        });
    }

    /** x·W + b for a Conv1D layer {@code prefix} (W is (in, out)); x is (rows, in). */
    private float[] linear(float[] x, int rows, String prefix) {
        INDArray w = matrix(prefix + ".weight");                                           // (in, out)
        float[] bias = vector(prefix + ".bias");                                            // (out)
        INDArray in = Nd4j.create(x, new long[]{rows, w.size(0)}, 'c');                    // (rows, in)
        float[] y = rowMajor(Nd4j.gemm(in, w, false, false), true);                          // (rows, out)
        in.close();
        int out = bias.length;
        for (int r = 0; r < rows; r++) for (int o = 0; o < out; o++) y[r * out + o] += bias[o];
        return y;
    }

    /** Layer norm over each row of width C with the config's ε, as {@link Gpt2Graph#layerNorm}. */
    private float[] layerNorm(float[] x, int rows, String prefix) {
        float[] g = vector(prefix + ".weight"), bias = vector(prefix + ".bias");
        float[] y = new float[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < C; i++) mean += x[r * C + i];
            mean /= C;
            for (int i = 0; i < C; i++) var += (x[r * C + i] - mean) * (x[r * C + i] - mean);
            double inv = 1.0 / Math.sqrt(var / C + c.layerNormEpsilon());
            for (int i = 0; i < C; i++) y[r * C + i] = (float) ((x[r * C + i] - mean) * inv * g[i] + bias[i]);
        }
        return y;
    }

    private INDArray matrix(String name) {
        return matrices.computeIfAbsent(name, k -> params.get(k).castTo(DataType.FLOAT));
    }

    private float[] vector(String name) {
        return vectors.computeIfAbsent(name, k -> params.get(k).castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    private static void addInPlace(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) x[i] += y[i];
    }

    /** The values of {@code a} in row-major order; {@code free}: close a (an array of this class's own) once read, so its memory is reused while hot. */
    private static float[] rowMajor(INDArray a, boolean free) {
        float[] v = (a.ordering() == 'c' && !a.isView() ? a : a.dup('c')).data().asFloat();
        if (free && a.closeable()) a.close();
        return v;
    }
}
