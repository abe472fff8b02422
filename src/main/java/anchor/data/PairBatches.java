package anchor.data;

import anchor.AnchorException;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.SequenceLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * From preference pairs to what a DPO step computes on: tokenising (as TRL does) and the 2B-row batch of B pairs (chosen rows,
 * then rejected rows: TRL's "concatenated" forward), right-padded to a length bucket, with its response masks.
 */
public final class PairBatches {
    private PairBatches() {
    }

    /** Each pair tokenised: prompt as it stands, then response, then the tokenizer's {@code <|endoftext|>} when {@code eos}. */
    public static List<PreferenceBatch> tokenize(List<PreferencePair> data, Gpt2Tokenizer tok, boolean eos, int maxLength) {
        List<PreferenceBatch> out = new ArrayList<>();
        int end = eos ? tok.eotId() : PromptResponse.NO_END;
        if (eos && end < 0) throw new AnchorException("the tokenizer has no <|endoftext|> to end the responses with");
        for (PreferencePair p : data) out.add(PreferenceBatch.of(tok.encode(p.prompt()), tok.encode(p.chosen()), tok.encode(p.rejected()), end, maxLength));
        return out;
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

    /**
     * Refuses a {@code --batch} of pairs whose one pass (chosen and rejected, 2·batch rows, padded to the batch's
     * longest, so at least the shortest pair's longer side) can never fit ({@link anchor.gpt2.MemoryFloor}).
     */
    public static void checkPassFits(anchor.gpt2.Gpt2Config c, List<PreferenceBatch> pairs, int batch, String pass) {
        int shortest = pairs.stream().mapToInt(p -> Math.max(p.chosen().length(), p.rejected().length())).min().orElse(1);
        anchor.gpt2.MemoryFloor.check(pass + " of " + 2L * batch + " sequences (chosen and rejected) of at least " + shortest + " tokens",
                anchor.gpt2.MemoryFloor.trainingPass(c, 2L * batch, shortest), "--batch", batch, anchor.gpt2.MemoryFloor.allowed());
    }
}
