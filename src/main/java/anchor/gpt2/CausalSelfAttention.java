package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Multi-head causal self-attention of one GPT-2 block (Vaswani et al. 2017, eq. 1; HF {@code GPT2Attention}):
 * <pre>
 * q, k, v = split(x · W_attn + b_attn)             W_attn is Conv1D (C, 3C): y = x·W + b
 * A = softmax(q·kᵀ / √d + bias)                    bias: 0 where key j ≤ query i and j is a real token, else −1e9
 * y = concat_heads(A · v) · W_proj + b_proj
 * </pre>
 * The mask arrives as an additive {@code bias} of shape (B, 1, T, T) so one graph serves causal masking and
 * padding. The q/k/v split uses {@code sd.split}: strided point indexing of a permuted qkv fails to backpropagate
 * at some shapes in M2.1.
 */
public final class CausalSelfAttention {
    private CausalSelfAttention() {
    }

    /**
     * @param x        (B·T, C) the layer-normed residual stream, flattened
     * @param bias     (B, 1, T, T) additive attention mask
     * @param dropMask (B, H, T, T) dropout mask on the attention probabilities, or null in eval mode
     * @return (B·T, C) the attention output after {@code c_proj}, before the residual add
     */
    public static SDVariable apply(SameDiff sd, String prefix, SDVariable x, SDVariable bias, SDVariable dropMask,
                                   Gpt2Config c, int B, int T) {
        int C = c.nEmbd(), H = c.nHead(), D = c.headDim();
        SDVariable qkv = x.mmul(sd.getVariable(prefix + "c_attn.weight"))
                .add(sd.getVariable(prefix + "c_attn.bias"));                   // (B·T, 3C)
        SDVariable[] parts = sd.split(qkv.reshape(B, T, 3 * C), 3, 2);          // 3 × (B, T, C)
        SDVariable q = parts[0].reshape(B, T, H, D).permute(0, 2, 1, 3);        // (B, H, T, D)
        SDVariable k = parts[1].reshape(B, T, H, D).permute(0, 2, 1, 3);        // (B, H, T, D)
        SDVariable v = parts[2].reshape(B, T, H, D).permute(0, 2, 1, 3);        // (B, H, T, D)
        SDVariable scores = sd.mmul(q, k, false, true, false)
                .mul(1.0 / Math.sqrt(D)).add(bias);                             // (B, H, T, T)
        SDVariable probs = sd.nn.softmax(scores, 3);                            // (B, H, T, T)
        if (dropMask != null) probs = probs.mul(dropMask);
        SDVariable y = sd.mmul(probs, v);                                       // (B, H, T, D)
        y = y.permute(0, 2, 1, 3).reshape(B * T, C);                            // (B·T, C)
        return y.mmul(sd.getVariable(prefix + "c_proj.weight"))
                .add(sd.getVariable(prefix + "c_proj.bias"));                   // (B·T, C)
    }
}
