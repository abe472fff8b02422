package anchor.data;

import anchor.tokenizer.Gpt2Tokenizer;

/**
 * The one place where a prompt and a response become one token sequence: prompt ids, then response ids, then
 * {@code <|endoftext|>} when {@code eos} (TRL's convention for preference and RL data: the end-of-text token belongs to
 * the response, so its probability is trained and scored too).
 */
public final class PromptResponse {
    private PromptResponse() {
    }

    public static int[] ids(int[] prompt, int[] response, boolean eos) {
        int[] out = new int[prompt.length + response.length + (eos ? 1 : 0)];
        System.arraycopy(prompt, 0, out, 0, prompt.length);
        System.arraycopy(response, 0, out, prompt.length, response.length);
        if (eos) out[out.length - 1] = Gpt2Tokenizer.EOT_ID;
        return out;
    }
}
