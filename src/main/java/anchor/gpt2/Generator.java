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
 * or at {@code <|endoftext|>}. {@link #generate} runs with a KV cache ({@link KvCache}): the prompts, left-padded,
 * in one prefill, then one new token per row per step. {@link #generateRecomputing} is the path without a cache
 * (the whole right-padded sequence recomputed for every token), kept as the reference the cache is checked against.
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
        int eot = c.eotId();                                                                      // <|endoftext|> ends a row
        int B = prompts.length, longest = longest(prompts, c);
        Random rng = new Random(s.seed());
        int[] limit = new int[B], len = new int[B];
        int steps = 0;
        boolean[] done = new boolean[B];
        List<List<Integer>> out = new ArrayList<>();
        for (int b = 0; b < B; b++) {
            len[b] = prompts[b].length;
            limit[b] = Math.min(prompts[b].length + s.maxNewTokens(), c.nPositions());
            steps = Math.max(steps, limit[b] - len[b]);
            done[b] = len[b] >= limit[b];
            out.add(new ArrayList<>());
        }
        if (steps == 0) return new int[B][0];
        KvCache cache = new KvCache(c, model.parameters(), B, longest + steps);
        // prefill: the prompts left-padded to the longest, so every row's last prompt token is in the last slot
        int[][] ids = new int[B][longest], pos = new int[B][longest];
        boolean[][] isReal = new boolean[B][longest];
        for (int b = 0; b < B; b++) {
            int pad = longest - prompts[b].length;
            for (int t = 0; t < longest; t++) {
                isReal[b][t] = t >= pad;
                ids[b][t] = isReal[b][t] ? prompts[b][t - pad] : TokenBatch.PAD;
                pos[b][t] = isReal[b][t] ? t - pad : 0;
            }
        }
        INDArray logits = cache.feed(ids, isReal, pos);                                         // (B, V)
        while (true) {
            int[][] next = new int[B][1], nextPos = new int[B][1];
            boolean[][] nextReal = new boolean[B][1];
            int active = 0;
            int[] picked = pickRows(logits, done, s, rng);
            if (logits.closeable()) logits.close();                                             // freed now: its memory is reused while hot
            for (int b = 0; b < B; b++) {
                next[b][0] = TokenBatch.PAD;
                if (done[b]) continue;
                int tok = picked[b];
                out.get(b).add(tok);
                next[b][0] = tok;
                nextPos[b][0] = len[b]++;
                nextReal[b][0] = true;
                if ((s.stopAtEot() && tok == eot) || len[b] >= limit[b]) done[b] = true;
                else active++;
            }
            if (active == 0) break;
            logits = cache.feed(next, nextReal, nextPos);                                       // (B, V)
        }
        int[][] result = new int[B][];
        for (int b = 0; b < B; b++) result[b] = out.get(b).stream().mapToInt(Integer::intValue).toArray();
        return result;
    }

    private static int longest(int[][] prompts, Gpt2Config c) {
        int longest = 0;
        for (int[] p : prompts) {
            if (p.length == 0) throw new AnchorException("empty prompt: generation needs at least one token");
            if (p.length > c.nPositions()) {
                throw new AnchorException("prompt of " + p.length + " tokens is longer than the context (n_positions = " + c.nPositions() + ")");
            }
            longest = Math.max(longest, p.length);
        }
        return longest;
    }

    /** As {@link #generate}, recomputing the whole sequence for every new token (no cache): the reference path. */
    public static int[][] generateRecomputing(Gpt2Model model, int[][] prompts, Settings s) {
        Gpt2Config c = model.config();
        int eot = c.eotId();
        int B = prompts.length, longest = longest(prompts, c);
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
            for (int b = 0; b < B; b++) at[b] = b * total + len[b] - 1;                         // the row of position len[b] − 1 in (B·total)
            INDArray h = model.finalHidden(new TokenBatch(ids, mask));                           // (B·total, C)
            INDArray logits = LmHead.logits(h, model.head(), at);                                // (B, V): the head at those rows only
            h.close();
            int[] picked = pickRows(logits, done, s, rng);
            if (logits.closeable()) logits.close();
            for (int b = 0; b < B; b++) {
                if (done[b]) continue;
                int next = picked[b];
                ids[b][len[b]] = next;
                mask[b][len[b]] = 1;
                len[b]++;
                out.get(b).add(next);
                if ((s.stopAtEot() && next == eot) || len[b] >= Math.min(prompts[b].length + s.maxNewTokens(), total)) done[b] = true;
            }
        }
        int[][] result = new int[B][];
        for (int b = 0; b < B; b++) result[b] = out.get(b).stream().mapToInt(Integer::intValue).toArray();
        return result;
    }

    static int pick(double[] logits, Settings s, Random rng) {
        return TokenSampler.pick(logits, s.temperature(), s.topK(), s.topP(), rng);
    }

    /**
     * One token for every row not {@code done} (−1 for the rest) from logits (B, V), the rows on both cores. The uniform
     * draws come from {@code rng} in row order before any row is sampled — the draws row-after-row sampling takes — so
     * the tokens are the same. A row's softmax and selection over 50,257 tokens took about half of sampling 64 rows
     * from the world's model on one core.
     */
    static int[] pickRows(INDArray logits, boolean[] done, Settings s, Random rng) {
        int B = done.length, V = (int) logits.size(1);
        double[] draw = new double[B];
        for (int b = 0; b < B; b++) if (!done[b] && s.temperature() > 0) draw[b] = rng.nextDouble();
        INDArray f = logits.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT ? logits : logits.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT); // FP16 logits convert exactly
        INDArray dense = Gpt2Weights.flatFloat(f) ? f : f.dup('c');
        java.nio.FloatBuffer flat = dense.data().asNioFloat();                                 // (B·V), read in place
        int[] picked = new int[B];
        java.util.stream.IntStream.range(0, B).parallel().forEach(b -> {
            if (done[b]) {
                picked[b] = -1;
                return;
            }
            Scratch row = Scratch.of(V);
            for (int v = 0; v < V; v++) row.logits[v] = flat.get(b * V + v);
            picked[b] = TokenSampler.pickAt(row.logits, s.temperature(), s.topK(), s.topP(), draw[b], row.p, row.set);
        });
        if (dense != logits) dense.close();
        if (f != logits && f != dense) f.close();
        return picked;
    }

    /** One thread's arrays for sampling a row: reused from row to row and step to step (a 64-row step allocated 96 MB). */
    private record Scratch(double[] logits, double[] p, int[] set) {
        private static final ThreadLocal<Scratch> MINE = new ThreadLocal<>();

        static Scratch of(int V) {
            Scratch s = MINE.get();
            if (s == null || s.logits.length != V) MINE.set(s = new Scratch(new double[V], new double[V], new int[V]));
            return s;
        }
    }

    static int argmax(double[] x) {
        return TokenSampler.argmax(x);
    }
}
