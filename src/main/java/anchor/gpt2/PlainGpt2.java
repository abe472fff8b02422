package anchor.gpt2;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-2's forward pass in plain Java: float64, straight loops, no ND4J, one method per block. It shares no code
 * with the SameDiff graph (only the weights), which makes it the independent implementation the graph is checked
 * against, layer by layer; it is also the "CPU reference" engine of document 1's option 2.
 */
public final class PlainGpt2 {
    private final Gpt2Config c;
    private final Gpt2Weights w;

    public PlainGpt2(Gpt2Weights weights) {
        this.c = weights.config();
        this.w = weights;
    }

    /** Logits (T, V) of one unpadded sequence. */
    public double[][] logits(int[] ids) {
        return forward(ids, null);
    }

    /** The scalar head at every position, (T): ln_f(h)[t] · score.weight (a model with {@code score.weight}). */
    public double[] scores(int[] ids) {
        Map<String, double[][]> acts = new LinkedHashMap<>();
        forward(ids, acts);
        double[][] s = matmulTransposed(acts.get("ln_f.out"), w.get(Gpt2Weights.SCORE), 1);
        double[] out = new double[s.length];
        for (int t = 0; t < s.length; t++) out[t] = s[t][0];
        return out;
    }

    /** Per-layer activations: {@code h.i.out} and {@code ln_f.out} (T, C), and {@code logits} (T, V). */
    public Map<String, double[][]> activations(int[] ids) {
        Map<String, double[][]> acts = new LinkedHashMap<>();
        acts.put("logits", forward(ids, acts));
        return acts;
    }

    private double[][] forward(int[] ids, Map<String, double[][]> acts) {
        TokenBatch.of(ids).validate(c);
        int T = ids.length, C = c.nEmbd();
        float[] wte = w.get("wte.weight"), wpe = w.get("wpe.weight");
        double[][] x = new double[T][C];
        for (int t = 0; t < T; t++)
            for (int i = 0; i < C; i++) x[t][i] = (double) wte[ids[t] * C + i] + wpe[t * C + i];
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "h." + l + ".";
            add(x, attention(layerNorm(x, h + "ln_1"), h + "attn."));
            add(x, mlp(layerNorm(x, h + "ln_2"), h + "mlp."));
            if (acts != null) acts.put("h." + l + ".out", copy(x));
        }
        double[][] out = layerNorm(x, "ln_f");
        if (acts != null) acts.put("ln_f.out", out);
        return matmulTransposed(out, w.lmHead(), c.vocabSize());
    }

    double[][] layerNorm(double[][] x, String prefix) {
        float[] g = w.get(prefix + ".weight"), b = w.get(prefix + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            int C = x[t].length;
            double mean = 0, var = 0;
            for (double v : x[t]) mean += v;
            mean /= C;
            for (double v : x[t]) var += (v - mean) * (v - mean);
            var /= C;
            double inv = 1.0 / Math.sqrt(var + c.layerNormEpsilon());
            y[t] = new double[C];
            for (int i = 0; i < C; i++) y[t][i] = (x[t][i] - mean) * inv * g[i] + b[i];
        }
        return y;
    }

    double[][] attention(double[][] x, String prefix) {
        int T = x.length, C = c.nEmbd(), H = c.nHead(), D = c.headDim();
        double[][] qkv = conv1d(x, prefix + "c_attn", 3 * C);
        double[][] y = new double[T][C];
        double scale = 1.0 / Math.sqrt(D);
        for (int hd = 0; hd < H; hd++) {
            int q0 = hd * D, k0 = C + hd * D, v0 = 2 * C + hd * D;
            for (int i = 0; i < T; i++) {
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int d = 0; d < D; d++) dot += qkv[i][q0 + d] * qkv[j][k0 + d];
                    s[j] = dot * scale;
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) sum += (s[j] = Math.exp(s[j] - max));
                for (int j = 0; j <= i; j++)
                    for (int d = 0; d < D; d++) y[i][q0 + d] += s[j] / sum * qkv[j][v0 + d];
            }
        }
        return conv1d(y, prefix + "c_proj", C);
    }

    double[][] mlp(double[][] x, String prefix) {
        double[][] f = conv1d(x, prefix + "c_fc", c.nInner());
        for (double[] row : f)
            for (int i = 0; i < row.length; i++) row[i] = GeluNew.value(row[i]);
        return conv1d(f, prefix + "c_proj", c.nEmbd());
    }

    /** HF Conv1D: y = x·W + b with W stored (in, out). */
    double[][] conv1d(double[][] x, String prefix, int out) {
        float[] W = w.get(prefix + ".weight"), b = w.get(prefix + ".bias");
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) y[t][o] = b[o];
            for (int i = 0; i < in; i++) {
                double xi = x[t][i];
                int row = i * out;
                for (int o = 0; o < out; o++) y[t][o] += xi * W[row + o];
            }
        }
        return y;
    }

    /** x (T, C) times Mᵀ where M is (rows, C): the tied head. */
    static double[][] matmulTransposed(double[][] x, float[] m, int rows) {
        int C = x[0].length;
        double[][] y = new double[x.length][rows];
        for (int t = 0; t < x.length; t++)
            for (int r = 0; r < rows; r++) {
                double dot = 0;
                for (int i = 0; i < C; i++) dot += x[t][i] * m[r * C + i];
                y[t][r] = dot;
            }
        return y;
    }

    private static void add(double[][] x, double[][] y) {
        for (int t = 0; t < x.length; t++)
            for (int i = 0; i < x[t].length; i++) x[t][i] += y[t][i];
    }

    private static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) y[t] = x[t].clone();
        return y;
    }
}
