package anchor.data;

import anchor.AnchorException;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.SequenceLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * From preference pairs to what a DPO step computes on: tokenising (as TRL does), the batch order (epochs of seeded
 * permutations, a pure function of (seed, step) so resume is exact), and the 2B-row batch of B pairs (chosen rows,
 * then rejected rows: TRL's "concatenated" forward), right-padded to a length bucket, with its response masks.
 */
public final class PairBatches {
    private PairBatches() {
    }

    /** Each pair tokenised: prompt as it stands, then response, then {@code <|endoftext|>} when {@code eos}. */
    public static List<PreferenceBatch> tokenize(List<PreferencePair> data, Gpt2Tokenizer tok, boolean eos, int maxLength) {
        List<PreferenceBatch> out = new ArrayList<>();
        for (PreferencePair p : data) out.add(PreferenceBatch.of(tok.encode(p.prompt()), tok.encode(p.chosen()), tok.encode(p.rejected()), eos, maxLength));
        return out;
    }

    /** The indices of step {@code step}'s batch of {@code batch} pairs out of {@code n}: epochs of seeded permutations. */
    public static int[] indices(int n, int batch, int step, long seed) {
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            long k = (long) step * batch + i;
            int epoch = (int) (k / n);
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < n; j++) order.add(j);
            Collections.shuffle(order, new Random(seed * 31 + epoch));
            idx[i] = order.get((int) (k % n));
        }
        return idx;
    }

    /** The 2B-row batch: rows 0…B−1 chosen, B…2B−1 rejected; {@code mask} marks response targets (B·2, T−1). */
    public record Rows(TokenBatch batch, int[][] mask) {
    }

    public static Rows rows(List<PreferenceBatch> pairs, int[] idx, int cap) {
        int B = idx.length;
        int[][] seqs = new int[2 * B][];
        int[] promptLen = new int[2 * B];
        for (int i = 0; i < B; i++) {
            PreferenceBatch p = pairs.get(idx[i]);
            seqs[i] = p.chosen().ids()[0];
            seqs[B + i] = p.rejected().ids()[0];
            promptLen[i] = firstResponse(p.chosenMask()[0]);
            promptLen[B + i] = firstResponse(p.rejectedMask()[0]);
        }
        TokenBatch batch = TokenBatch.bucketed(seqs, false, cap);
        return new Rows(batch, SequenceLogProbs.responseMask(batch, promptLen));
    }

    private static int firstResponse(int[] mask) {
        for (int t = 0; t < mask.length; t++) if (mask[t] == 1) return t + 1;
        throw new AnchorException("empty response");
    }
}
