package anchor.data;

/**
 * The one place where a prompt and a response become one token sequence: prompt ids, then response ids, then
 * {@code <|endoftext|>} when an end id is given (TRL's convention for preference and RL data: the end-of-text token belongs to
 * the response, so its probability is trained and scored too).
 */
public final class PromptResponse {
    private PromptResponse() {
    }

    /** No end-of-text token appended. */
    public static final int NO_END = -1;

    /** prompt, response, then {@code end} (the model's {@code <|endoftext|>} id) unless it is {@link #NO_END}. */
    public static int[] ids(int[] prompt, int[] response, int end) {
        boolean eos = end != NO_END;
        int[] out = new int[prompt.length + response.length + (eos ? 1 : 0)];
        System.arraycopy(prompt, 0, out, 0, prompt.length);
        System.arraycopy(response, 0, out, prompt.length, response.length);
        if (eos) out[out.length - 1] = end;
        return out;
    }
}
