package anchor.data;

import anchor.AnchorException;
import anchor.data.PromptResponse;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.SequenceLogProbs;

/**
 * One preference pair as token sequences: prompt + chosen and prompt + rejected, with response masks so that only
 * response tokens count (document 3, "What Each P Refers To"). Convention (as TRL's): each response is followed by
 * {@code <|endoftext|>}, which belongs to the response, unless {@code end} is {@link PromptResponse#NO_END}.
 */
public record PreferenceBatch(TokenBatch chosen, TokenBatch rejected, int[][] chosenMask, int[][] rejectedMask) {

    /** @param end the model's {@code <|endoftext|>} id, appended to both responses, or {@link PromptResponse#NO_END} */
    public static PreferenceBatch of(int[] prompt, int[] chosen, int[] rejected, int end, int maxLength) {
        if (prompt.length == 0) throw new AnchorException("empty prompt: the first response token needs context");
        if (chosen.length == 0 || rejected.length == 0) throw new AnchorException("empty response: chosen and rejected need at least one token");
        int[] c = PromptResponse.ids(prompt, chosen, end), r = PromptResponse.ids(prompt, rejected, end);
        if (c.length > maxLength || r.length > maxLength) {
            throw new AnchorException("example of " + Math.max(c.length, r.length) + " tokens is longer than the limit (" + maxLength + ")");
        }
        TokenBatch cb = TokenBatch.of(c), rb = TokenBatch.of(r);
        return new PreferenceBatch(cb, rb, SequenceLogProbs.responseMask(cb, new int[]{prompt.length}),
                SequenceLogProbs.responseMask(rb, new int[]{prompt.length}));
    }
}
