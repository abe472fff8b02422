package anchor.gpt2;

import anchor.AnchorException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Autoregressive sampling: greedy (temperature 0), or temperature, then top-k, then top-p (nucleus) filtering in
 * that order as Hugging Face's {@code generate} applies them, from a seeded RNG. Stops after {@code maxNewTokens}
 * or at {@code <|endoftext|>}. The sequence is right-padded to one fixed length so one graph serves every step
 * (causal attention makes the padding invisible to the real tokens).
 */
public final class Generator {
    private Generator() {
    }

    /**
     * @param temperature 0 for greedy, else &gt; 0
     * @param topK        0 for off, else keep the k most likely tokens
     * @param topP        1 for off, else keep the smallest set whose probability reaches p
     */
    public record Settings(int maxNewTokens, double temperature, int topK, double topP, long seed, boolean stopAtEot) {
        public Settings {
            if (maxNewTokens < 0) throw new AnchorException("--max-new-tokens must be >= 0, got " + maxNewTokens);
            if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new AnchorException("--temperature must be >= 0, got " + temperature);
            if (topK < 0) throw new AnchorException("--top-k must be >= 0, got " + topK);
            if (!(topP > 0 && topP <= 1)) throw new AnchorException("--top-p must be in (0, 1], got " + topP);
        }

        public static Settings greedy(int maxNewTokens) {
            return new Settings(maxNewTokens, 0, 0, 1, 0, true);
        }
    }

    /** The new tokens (the prompt not included); the EOT token, when reached, is the last one. */
    public static int[] generate(Gpt2Model model, int[] prompt, Settings s) {
        return generate(model, new int[][]{prompt}, s)[0];
    }

    /**
     * Samples a continuation for every prompt at once, one row each, from one seeded RNG (row order is part of the
     * seed's meaning). Rows stop independently at {@code <|endoftext|>}; all stop at {@code maxNewTokens} or the
     * context length.
     */
    public static int[][] generate(Gpt2Model model, int[][] prompts, Settings s) {
        Gpt2Config c = model.config();
        int B = prompts.length, longest = 0;
        for (int[] p : prompts) {
            if (p.length == 0) throw new AnchorException("empty prompt: generation needs at least one token");
            if (p.length > c.nPositions()) {
                throw new AnchorException("prompt of " + p.length + " tokens is longer than the context (n_positions = " + c.nPositions() + ")");
            }
            longest = Math.max(longest, p.length);
        }
        int total = Math.min(longest + s.maxNewTokens(), c.nPositions());
        Random rng = new Random(s.seed());
        int[][] ids = new int[B][total], mask = new int[B][total];
        int[] len = new int[B];
        boolean[] done = new boolean[B];
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            System.arraycopy(prompts[b], 0, ids[b], 0, prompts[b].length);
            Arrays.fill(mask[b], 0, prompts[b].length, 1);
            len[b] = prompts[b].length;
            done[b] = len[b] >= Math.min(prompts[b].length + s.maxNewTokens(), c.nPositions());
            out.add(new ArrayList<>());
        }
        while (true) {
            int active = 0;
            for (boolean d : done) if (!d) active++;
            if (active == 0) break;
            int[] at = new int[B];
            for (int b = 0; b < B; b++) at[b] = len[b] - 1;
            INDArray logits = model.logitsAt(new TokenBatch(ids, mask), at);                     // (B, V)
            for (int b = 0; b < B; b++) {
                if (done[b]) continue;
                int next = pick(logits.getRow(b).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector(), s, rng);
                ids[b][len[b]] = next;
                mask[b][len[b]] = 1;
                len[b]++;
                out.get(b).add(next);
                if ((s.stopAtEot() && next == anchor.tokenizer.Gpt2Tokenizer.EOT_ID) || len[b] >= Math.min(prompts[b].length + s.maxNewTokens(), total)) done[b] = true;
            }
        }
        int[][] result = new int[B][];
        for (int b = 0; b < B; b++) result[b] = out.get(b).stream().mapToInt(Integer::intValue).toArray();
        return result;
    }

    /** One sampling step from a row of logits. */
    static int pick(double[] logits, Settings s, Random rng) {
        if (s.temperature() == 0) return argmax(logits);
        int V = logits.length;
        Integer[] order = new Integer[V];
        for (int i = 0; i < V; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
        int keep = s.topK() > 0 ? Math.min(s.topK(), V) : V;
        double max = logits[order[0]] / s.temperature();
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) sum += p[i] = Math.exp(logits[order[i]] / s.temperature() - max);
        if (s.topP() < 1) {
            double cum = 0;
            int n = 0;
            while (n < keep && cum < s.topP() * sum) cum += p[n++];
            keep = Math.max(n, 1);
            sum = 0;
            for (int i = 0; i < keep; i++) sum += p[i];
        }
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < keep; i++) {
            u -= p[i];
            if (u < 0) return order[i];
        }
        return order[keep - 1];
    }

    static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
