package anchor.gpt2;

import anchor.AnchorException;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * What {@link Gpt2Model} feeds a {@link Gpt2Graph}: the embeddings looked up in Java, the attention bias, dropout
 * masks in training mode, and for a backward pass the LM head's targets and weights and the scalar head's weights.
 */
final class GraphInputs {
    private GraphInputs() {
    }

    /** {@code emb}, {@code attn_bias} and (with {@code rng}) every dropout mask the graph has. */
    static Map<String, INDArray> forward(Gpt2Config c, Map<String, INDArray> params, DataType dt, TokenBatch batch, Gpt2Graph g, Random rng) {
        int B = batch.batchSize(), T = batch.length(), C = c.nEmbd();
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(Gpt2Graph.EMB, embed(params, dt, batch).reshape(B, T, C));
        ph.put(Gpt2Graph.ATTN_BIAS, Nd4j.create(batch.attentionBias(), new long[]{B, 1, T, T}, 'c').castTo(dt));
        if (rng != null) {
            for (var v : g.sd.variables()) {
                if (v.getVariableType() != VariableType.PLACEHOLDER || !v.name().contains("drop.")) continue;
                double p = v.name().endsWith("drop.attn") ? c.attnPdrop() : v.name().equals("drop.emb") ? c.embdPdrop() : c.residPdrop();
                ph.put(v.name(), dropoutMask(v.getShape(), p, rng).castTo(dt));
            }
        }
        return ph;
    }

    /**
     * The forward inputs plus the scalar head's {@code score_weights} (B, T) when the graph has that head (null
     * weights are zeros). The LM head's inputs are {@link #lmTargets} and {@link #lmWeights}, used by {@link LmHead}.
     */
    static Map<String, INDArray> training(Gpt2Config c, Map<String, INDArray> params, DataType dt, TokenBatch batch, Gpt2Graph g,
                                          double[][] scoreWeights, Random rng) {
        Map<String, INDArray> ph = forward(c, params, dt, batch, g, rng);
        if (g.heads.score()) ph.put(Gpt2Graph.SCORE_WEIGHTS, scoreWeights(batch, scoreWeights, dt));
        return ph;
    }

    /** The scalar head's {@code score_weights} (B, T) = ∂L/∂score, checked: finite, and 0 on padding (null: zeros). */
    static INDArray scoreWeights(TokenBatch batch, double[][] scoreWeights, DataType dt) {
        int B = batch.batchSize(), T = batch.length();
        double[][] w = new double[B][T];
        for (int b = 0; b < B && scoreWeights != null; b++) {
            if (scoreWeights[b].length != T) throw new AnchorException("score weights must have T = " + T + " columns");
            for (int t = 0; t < T; t++) w[b][t] = checked(scoreWeights[b][t], batch.mask()[b][t], "a score weight falls on a padding token");
        }
        return Nd4j.createFromArray(w).castTo(dt);
    }

    /** The token each of the B·T positions predicts (row-major): ids[b][t+1], and 0 at each row's last position. */
    static int[] lmTargets(TokenBatch batch) {
        int B = batch.batchSize(), T = batch.length();
        int[] y = new int[B * T];
        for (int b = 0; b < B; b++) for (int t = 0; t < T - 1; t++) y[b * T + t] = batch.ids()[b][t + 1];
        return y;
    }

    /** ∂L/∂logp for each of the B·T positions from (B, T−1) loss weights, checked: finite, and 0 on padding targets. */
    static double[] lmWeights(TokenBatch batch, double[][] lossWeights) {
        int B = batch.batchSize(), T = batch.length();
        double[] w = new double[B * T];
        int[][] mask = batch.targetMask();
        for (int b = 0; b < B; b++) {
            if (lossWeights[b].length != T - 1) throw new AnchorException("loss weights must have T-1 = " + (T - 1) + " columns");
            for (int t = 0; t < T - 1; t++) w[b * T + t] = checked(lossWeights[b][t], mask[b][t], "a loss weight falls on a padding target");
        }
        return w;
    }

    /** 1/T, checked. */
    static double logitScale(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("the temperature must be a finite number > 0, got " + temperature);
        return 1.0 / temperature;
    }

    private static double checked(double w, int real, String onPadding) {
        if (!Double.isFinite(w)) throw new AnchorException("loss weight is not finite (" + w + ")");
        if (real == 0 && w != 0) throw new AnchorException(onPadding);
        return w;
    }

    /** wte[ids] + wpe[positions] as (B·T, C), looked up in Java (SameDiff's gather has no working gradient in M2.1). */
    static INDArray embed(Map<String, INDArray> params, DataType dt, TokenBatch batch) {
        int B = batch.batchSize(), T = batch.length();
        int[] ids = new int[B * T], pos = new int[B * T];
        int[][] positions = batch.positions();
        for (int b = 0; b < B; b++) {
            System.arraycopy(batch.ids()[b], 0, ids, b * T, T);
            System.arraycopy(positions[b], 0, pos, b * T, T);
        }
        return embed(params, dt, ids, pos);
    }

    /** wte[ids[i]] + wpe[pos[i]] for each i, as (N, C). */
    static INDArray embed(Map<String, INDArray> params, DataType dt, int[] ids, int[] pos) {
        INDArray tok = Nd4j.pullRows(params.get("wte.weight"), 1, ids);       // (N, C)
        INDArray wpe = Nd4j.pullRows(params.get("wpe.weight"), 1, pos);       // (N, C)
        return tok.castTo(dt).addi(wpe.castTo(dt));                            // (N, C)
    }

    /**
     * Adds the exact gradient of the {@code emb} placeholder (B, T, C) into the gradients of both tables it was looked
     * up from: emb[b,t] = wte[ids[b,t]] + wpe[pos[b,t]], so each row of ∂L/∂emb goes to one row of each.
     */
    static void scatterEmbeddingGradient(INDArray embGrad, TokenBatch batch, Map<String, INDArray> grads) {
        int B = batch.batchSize(), T = batch.length(), C = (int) embGrad.size(2);
        int[][] pos = batch.positions();
        INDArray wteGrad = grads.get("wte.weight"), wpeGrad = grads.get("wpe.weight");
        if (!Gpt2Weights.flatFloat(embGrad) || !Gpt2Weights.flatFloat(wteGrad) || !Gpt2Weights.flatFloat(wpeGrad)) {                  // FP64 (gradient checks): op by op
            INDArray rows = embGrad.reshape(B * T, C);                                          // (B·T, C)
            for (int b = 0; b < B; b++)
                for (int t = 0; t < T; t++) {
                    INDArray row = rows.getRow(b * T + t);
                    wteGrad.getRow(batch.ids()[b][t]).addi(row);
                    wpeGrad.getRow(pos[b][t]).addi(row);
                }
            return;
        }
        // FP32: straight on the arrays' memory, the same float additions in the same order (one ND4J call per row
        // cost more than a small model's whole backward pass)
        java.nio.FloatBuffer g = embGrad.data().asNioFloat(), wte = wteGrad.data().asNioFloat(), wpe = wpeGrad.data().asNioFloat();
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                int from = (b * T + t) * C, tok = batch.ids()[b][t] * C, p = pos[b][t] * C;
                for (int c = 0; c < C; c++) {
                    float x = g.get(from + c);
                    wte.put(tok + c, wte.get(tok + c) + x);
                    wpe.put(p + c, wpe.get(p + c) + x);
                }
            }
        java.lang.ref.Reference.reachabilityFence(embGrad);           // NIO views do not keep ND4J's memory alive
        java.lang.ref.Reference.reachabilityFence(wteGrad);
        java.lang.ref.Reference.reachabilityFence(wpeGrad);
    }

    private static INDArray dropoutMask(long[] shape, double p, Random rng) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] m = new float[(int) n];
        float keep = (float) (1.0 / (1.0 - p));
        for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < p ? 0f : keep;
        return Nd4j.create(m, shape, 'c');
    }
}
