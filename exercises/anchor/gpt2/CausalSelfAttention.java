package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * EXERCISE 1.3 — multi-head causal self-attention in SameDiff (Vaswani et al. 2017, eq. 1; HF GPT2Attention).
 * Reading: chapters/01-gpt2-foundation.md, "The block". Tests: {@code CausalSelfAttentionExerciseTest}.
 */
public final class CausalSelfAttention {
    private CausalSelfAttention() {
    }

    /**
     * Contract (C = n_embd, H = n_head, D = C / H):
     * <ol>
     *   <li>qkv = x · W + b with W = {@code sd.getVariable(prefix + "c_attn.weight")} (C, 3C) and
     *       b = {@code prefix + "c_attn.bias"} (3C); split it on the last axis into q, k, v with {@code sd.split}
     *       (not strided indexing: its gradient fails at some shapes in M2.1).</li>
     *   <li>Reshape each to (B, T, H, D) and permute to (B, H, T, D).</li>
     *   <li>scores = q · kᵀ / √D + bias (batched {@code sd.mmul} with transposeB); probs = softmax over the last axis;
     *       multiply by {@code dropMask} when it is not null.</li>
     *   <li>y = probs · v, back to (B·T, C), then y · W_proj + b_proj ({@code prefix + "c_proj.weight"/"c_proj.bias"}).</li>
     * </ol>
     * @param x        (B·T, C) the layer-normed residual stream
     * @param bias     (B, 1, T, T) additive mask: 0 allowed, −1e9 masked
     * @param dropMask (B, H, T, T) or null
     * @return (B·T, C)
     */
    public static SDVariable apply(SameDiff sd, String prefix, SDVariable x, SDVariable bias, SDVariable dropMask,
                                   Gpt2Config c, int B, int T) {
        throw new UnsupportedOperationException("Exercise 1.3: implement CausalSelfAttention.apply");
    }
}
