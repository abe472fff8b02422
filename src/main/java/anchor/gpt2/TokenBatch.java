package anchor.gpt2;

import anchor.AnchorException;

import java.util.Arrays;

/**
 * A rectangular batch of token ids with its attention mask (1 = real token, 0 = padding) and the position ids
 * that follow the mask: the k-th real token of a row sits at position k whether the row is padded on the right or
 * on the left, so padding never changes the logits of real tokens.
 *
 * @param ids  (B, T) token ids; padded slots hold any valid id
 * @param mask (B, T) 1 for real tokens, 0 for padding
 */
public record TokenBatch(int[][] ids, int[][] mask) {

    public static final float MASKED = -1e9f;
    /** The id padded slots hold: 0, the byte token "!", in every byte-level vocabulary (never read: masked out). */
    public static final int PAD = 0;

    public TokenBatch {
        if (ids.length == 0) throw new AnchorException("empty batch: no sequences");
        int T = ids[0].length;
        if (T == 0) throw new AnchorException("empty input: a sequence needs at least one token");
        if (mask.length != ids.length) throw new AnchorException("mask has " + mask.length + " rows but ids have " + ids.length);
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length != T || mask[b].length != T) throw new AnchorException("batch rows must all have length " + T);
            for (int m : mask[b]) if (m != 0 && m != 1) throw new AnchorException("attention mask values must be 0 or 1, got " + m);
        }
    }

    /** One unpadded sequence. */
    public static TokenBatch of(int... ids) {
        int[] m = new int[ids.length];
        Arrays.fill(m, 1);
        return new TokenBatch(new int[][]{ids}, new int[][]{m});
    }

    /** Sequences of different lengths, padded on the right or on the left (pad id {@link #PAD}, never read). */
    public static TokenBatch padded(int[][] seqs, boolean left) {
        return padded(seqs, left, Arrays.stream(seqs).mapToInt(s -> s.length).max().orElse(0));
    }

    /**
     * Right- or left-padded to the length bucket of the longest sequence: the next multiple of {@value #BUCKET}, at
     * most {@code cap} (but never shorter than the longest). Each (B, T) shape is a graph to build and keep, so a few
     * buckets instead of every length saves both time and memory; padding never changes a real token's numbers.
     */
    public static TokenBatch bucketed(int[][] seqs, boolean left, int cap) {
        int longest = Arrays.stream(seqs).mapToInt(s -> s.length).max().orElse(0);
        return padded(seqs, left, Math.max(longest, Math.min(cap, (longest + BUCKET - 1) / BUCKET * BUCKET)));
    }

    public static final int BUCKET = 16;

    private static TokenBatch padded(int[][] seqs, boolean left, int T) {
        int[][] ids = new int[seqs.length][T], mask = new int[seqs.length][T];
        for (int b = 0; b < seqs.length; b++) {
            if (seqs[b].length == 0) throw new AnchorException("empty input: sequence " + b + " has no tokens");
            int off = left ? T - seqs[b].length : 0;
            Arrays.fill(ids[b], PAD);
            for (int t = 0; t < seqs[b].length; t++) {
                ids[b][off + t] = seqs[b][t];
                mask[b][off + t] = 1;
            }
        }
        return new TokenBatch(ids, mask);
    }

    public int batchSize() {
        return ids.length;
    }

    public int length() {
        return ids[0].length;
    }

    /**
     * (B, T−1): 1 where position t predicts a real token from a real context, i.e. both token t and token t+1 are real.
     * Log-probs, losses and their weights live on these positions only (document 1, "Computing KL…": shift by one).
     */
    public int[][] targetMask() {
        int B = batchSize(), T = length();
        int[][] m = new int[B][T - 1];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T - 1; t++) m[b][t] = mask[b][t] & mask[b][t + 1];
        return m;
    }

    /**
     * (B, T−1): {@link #targetMask()} from position {@code first[b]} of each row on, 0 before. Position t predicts
     * token t+1, so the targets of a response that follows a P-token prompt start at {@code first = P − 1}.
     */
    public int[][] targetsFrom(int[] first) {
        if (first.length != batchSize()) throw new AnchorException("one start per row: got " + first.length + " for " + batchSize() + " rows");
        int[][] m = targetMask();
        for (int b = 0; b < m.length; b++) java.util.Arrays.fill(m[b], 0, Math.max(0, Math.min(first[b], m[b].length)), 0);
        return m;
    }

    /**
     * The positions n = b·T + t (ascending) of the targets marked in {@code targets} (B, T−1) that are real (both tokens
     * not padding): the rows the LM head computes, in the order of {@code Gpt2Model.logitRows}' rows. A row's last
     * position predicts nothing and is never one of them.
     */
    public int[] targetRows(int[][] targets) {
        int B = batchSize(), T = length();
        if (targets.length != B) throw new AnchorException("the target mask has " + targets.length + " rows but the batch has " + B);
        int[][] real = targetMask();
        boolean[] rows = new boolean[B * T];
        for (int b = 0; b < B; b++) {
            if (targets[b].length != T - 1) throw new AnchorException("the target mask must have T-1 = " + (T - 1) + " columns");
            for (int t = 0; t < T - 1; t++) rows[b * T + t] = targets[b][t] != 0 && real[b][t] != 0;
        }
        return LmHead.selected(rows);
    }

    /** A value per position n = b·T + t (the LM head's rows, (B·T)) as (B, T−1): row t of b, 0 where the target is padding. */
    public double[][] perTarget(double[] byPosition) {
        int B = batchSize(), T = length();
        int[][] real = targetMask();
        double[][] out = new double[B][T - 1];
        for (int b = 0; b < B; b++) for (int t = 0; t < T - 1; t++) out[b][t] = real[b][t] == 0 ? 0 : byPosition[b * T + t];
        return out;
    }

    /** Position ids: cumsum(mask) − 1 on real tokens, 0 on padding. */
    public int[][] positions() {
        int[][] pos = new int[ids.length][length()];
        for (int b = 0; b < ids.length; b++) {
            int k = 0;
            for (int t = 0; t < length(); t++) pos[b][t] = mask[b][t] == 1 ? k++ : 0;
        }
        return pos;
    }

    /**
     * (B, 1, T, T) flattened: 0 where query i may attend to key j (j ≤ i and j real), {@link #MASKED} elsewhere.
     * A padding query attends to itself only, so no row is fully masked (a fully masked row is 0/0 in some softmax
     * kernels, and the NaN would reach real tokens through 0·NaN); padding outputs are never read.
     */
    public float[] attentionBias() {
        int B = ids.length, T = length();
        float[] bias = new float[B * T * T];
        for (int b = 0; b < B; b++)
            for (int i = 0; i < T; i++)
                for (int j = 0; j < T; j++)
                    bias[(b * T + i) * T + j] = (j <= i && mask[b][j] == 1) || (mask[b][i] == 0 && j == i) ? 0f : MASKED;
        return bias;
    }

    /** Checks ids against the vocabulary and the length against the context window. */
    public void validate(Gpt2Config c) {
        if (length() > c.nPositions()) {
            throw new AnchorException("input of " + length() + " tokens is longer than the model's context (n_positions = " + c.nPositions() + ")");
        }
        for (int[] row : ids)
            for (int id : row)
                if (id < 0 || id >= c.vocabSize()) throw new AnchorException("token id " + id + " is outside the vocabulary [0, " + c.vocabSize() + ")");
    }
}
