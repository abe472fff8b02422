package anchor.gpt2;

import java.util.Random;

/**
 * What one forward and backward pass of a {@link Gpt2Model} differentiates:
 * <pre>
 * L = Σ_{b,t} w[b][t] · logp[b][t]   +   Σ_{b,t} s[b][t] · score[b][t]
 *     the LM head's term (B, T−1)        the scalar head's term (B, T)
 * </pre>
 * where {@code logp[b][t] = log p(ids[b][t+1] | ids[b][..t])} from logits divided by {@code temperature}, and the
 * weights are the loss's own gradients ∂L/∂logp and ∂L/∂score (0 on padding). Either term may be absent; the graph
 * then holds only the head that is used. Built from the factories and the {@code with…} methods, e.g.
 * {@code Loss.tokens(w).withDropout(rng)} for a language-model step, {@code Loss.scores(s)} for a reward model's.
 *
 * @param tokenWeights w (B, T−1), or null (see {@code perToken})
 * @param perToken     w asked per token given its current log-prob (PPO's clipped surrogate), at the real targets
 *                     marked in {@code targets}; or null
 * @param targets      (B, T−1) where {@code perToken} is asked (a response's loss needs no log-probs of its prompt)
 * @param scoreWeights s (B, T), or null for no scalar-head term
 * @param dropout      the source of the dropout masks, or null for eval mode
 * @param temperature  the logits are divided by it before the log-softmax (1: none)
 */
public record Loss(double[][] tokenWeights, TokenWeights perToken, int[][] targets, double[][] scoreWeights,
                   Random dropout, double temperature) {

    /** ∂L/∂logp of one predicted token given its current log-prob. */
    public interface TokenWeights {
        double at(int b, int t, double logp);
    }

    public Loss {
        if (tokenWeights != null && perToken != null) throw new anchor.AnchorException("give the token weights as an array or per token, not both");
        if (perToken != null && targets == null) throw new anchor.AnchorException("per-token weights need the targets they are asked at");
        if (tokenWeights == null && perToken == null && scoreWeights == null)
            throw new anchor.AnchorException("no loss: give token log-prob weights, score weights or both");
    }

    /** The LM head's term with fixed weights w (B, T−1); eval mode, temperature 1. */
    public static Loss tokens(double[][] w) {
        return new Loss(w, null, null, null, null, 1.0);
    }

    /** The LM head's term with weights asked per token at {@code targets} (B, T−1); eval mode, temperature 1. */
    public static Loss tokens(TokenWeights w, int[][] targets) {
        return new Loss(null, w, targets, null, null, 1.0);
    }

    /** The scalar head's term alone, s (B, T); eval mode. */
    public static Loss scores(double[][] s) {
        return new Loss(null, null, null, s, null, 1.0);
    }

    /** This loss plus the scalar head's term s (B, T), over the same trunk. */
    public Loss withScores(double[][] s) {
        return new Loss(tokenWeights, perToken, targets, s, dropout, temperature);
    }

    /** This loss in training mode, the dropout masks drawn from {@code rng} (null: eval mode). */
    public Loss withDropout(Random rng) {
        return new Loss(tokenWeights, perToken, targets, scoreWeights, rng, temperature);
    }

    /** This loss with the log-probs (and their gradient) from logits divided by {@code t}. */
    public Loss withTemperature(double t) {
        return new Loss(tokenWeights, perToken, targets, scoreWeights, dropout, t);
    }

    boolean hasTokenTerm() {
        return tokenWeights != null || perToken != null;
    }

    /** The LM head's weights as {@link LmHead} asks for them, row n = b·T + t, and the rows it runs on (those with a weight). */
    record HeadTerm(LmHead.RowWeights weights, int[] rows) {
    }

    /** The LM head's term for this batch, or null when there is none. */
    HeadTerm headTerm(TokenBatch batch) {
        if (tokenWeights != null) return fixed(batch, tokenWeights);
        if (perToken == null) return null;
        int T = batch.length();
        return new HeadTerm((n, lp) -> {
            double w = perToken.at(n / T, n % T, lp);
            if (!Double.isFinite(w)) throw new anchor.AnchorException("loss weight is not finite (" + w + ")");
            return w;
        }, batch.targetRows(targets));
    }

    /** Fixed weights (B, T−1): the head runs only where a weight is not 0. */
    static HeadTerm fixed(TokenBatch batch, double[][] tokenWeights) {
        double[] w = GraphInputs.lmWeights(batch, tokenWeights);                           // (B·T), checked
        boolean[] rows = new boolean[w.length];
        for (int n = 0; n < w.length; n++) rows[n] = w[n] != 0;
        return new HeadTerm((n, lp) -> w[n], LmHead.selected(rows));
    }
}
