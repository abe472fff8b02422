package anchor.gpt2;

import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorTest {
    final Gpt2Weights w = TestModels.allRandom(TestModels.tiny(), 9);
    final Gpt2Model m = Gpt2Model.of(w);

    @Test
    void greedyFollowsThePlainForwardArgmax() {
        int[] prompt = {464, 3290};
        int[] out = Generator.generate(m, prompt, new Generator.Settings(4, 0, 0, 1, 0, false));
        int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + out.length);
        System.arraycopy(out, 0, seq, prompt.length, out.length);
        PlainGpt2 plain = new PlainGpt2(w);
        for (int i = 0; i < out.length; i++) {
            double[][] logits = plain.logits(java.util.Arrays.copyOf(seq, prompt.length + i));
            assertThat(out[i]).as("step %d", i).isEqualTo(Generator.argmax(logits[logits.length - 1]));
        }
    }

    @Test
    void seededSamplingIsReproducibleAndTopKOneIsGreedy() {
        int[] prompt = {40};
        var s = new Generator.Settings(6, 1.0, 0, 1.0, 5, false);
        assertThat(Generator.generate(m, prompt, s)).containsExactly(Generator.generate(m, prompt, s));
        assertThat(Generator.generate(m, prompt, new Generator.Settings(6, 1.3, 1, 1.0, 11, false)))
                .containsExactly(Generator.generate(m, prompt, Generator.Settings.greedy(6)));
    }

    /** The KV-cache path against the path that recomputes everything, on the world's trained model: the same tokens. */
    @Test
    void theKvCacheGivesTheSameTokensAsRecomputingForGreedyAndSeededSampling() {
        Gpt2Model sft = Gpt2Model.of(anchor.checkpoint.HfCheckpoint.load(anchor.world.World.sftDirectory()));
        var tok = anchor.tokenizer.Gpt2Tokenizer.forModel(anchor.world.World.sftDirectory());
        int[][] prompts = {tok.encode("<|endoftext|>The kind dog helps a cat."), tok.encode("<|endoftext|>A bird"),
                tok.encode("<|endoftext|>The queen is sad. The king")};
        for (var s : new Generator.Settings[]{Generator.Settings.greedy(30), new Generator.Settings(30, 1.0, 0, 1.0, 7, true),
                new Generator.Settings(30, 0.8, 40, 0.9, 3, true), new Generator.Settings(30, 1.0, 0, 1.0, 11, false)}) {
            int[][] cached = Generator.generate(sft, prompts, s), recomputed = Generator.generateRecomputing(sft, prompts, s);
            for (int b = 0; b < prompts.length; b++) assertThat(cached[b]).as("row %d, %s", b, s).containsExactly(recomputed[b]);
        }
        int[][] many = new int[8][];
        for (int i = 0; i < many.length; i++) many[i] = java.util.Arrays.copyOf(prompts[i % 3], 1 + i % prompts[i % 3].length);
        var t1 = new Generator.Settings(40, 1.0, 0, 1.0, 5, true);
        int[][] cached = Generator.generate(sft, many, t1), recomputed = Generator.generateRecomputing(sft, many, t1);
        for (int b = 0; b < many.length; b++) assertThat(cached[b]).as("row %d of 8", b).containsExactly(recomputed[b]);
    }

    @Test
    void filtersKeepOnlyTheAllowedTokens() {
        double[] logits = {0, 5, 1, 4.9, -3};
        Random rng = new Random(0);
        for (int i = 0; i < 200; i++) {
            assertThat(Generator.pick(logits, new Generator.Settings(1, 1, 2, 1, 0, true), rng)).isIn(1, 3);
            assertThat(Generator.pick(logits, new Generator.Settings(1, 1, 0, 0.5, 0, true), rng)).isEqualTo(1);
        }
    }

    @Test
    void stopsAtEndOfTextAndAtTheContextLimit() {
        // Make <|endoftext|> the argmax everywhere: ln_f outputs its bias u (weight 0), and wte[50256] = u.
        Gpt2Config c = TestModels.tiny();
        var t = new java.util.LinkedHashMap<>(w.tensors());
        float[] wte = w.get("wte.weight").clone(), u = new float[c.nEmbd()];
        java.util.Arrays.fill(u, 1f);
        System.arraycopy(u, 0, wte, anchor.tokenizer.Gpt2Tokenizer.EOT_ID * c.nEmbd(), c.nEmbd());
        t.put("wte.weight", new Gpt2Weights.Tensor(wte, t.get("wte.weight").shape()));
        t.put("ln_f.weight", new Gpt2Weights.Tensor(new float[c.nEmbd()], new long[]{c.nEmbd()}));
        t.put("ln_f.bias", new Gpt2Weights.Tensor(u, new long[]{c.nEmbd()}));
        Gpt2Model eot = Gpt2Model.of(new Gpt2Weights(c, t));
        assertThat(Generator.generate(eot, new int[]{1, 2}, Generator.Settings.greedy(10))).containsExactly(anchor.tokenizer.Gpt2Tokenizer.EOT_ID);
        assertThat(Generator.generate(m, new int[c.nPositions() - 2], Generator.Settings.greedy(10))).hasSize(2);
    }

    /** The sampler before it stopped sorting the whole vocabulary: boxed ids, a stable sort, then the same draw. */
    static int pickBySortingEverything(double[] logits, Generator.Settings s, Random rng) {
        int V = logits.length;
        Integer[] order = new Integer[V];
        for (int i = 0; i < V; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
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

    @Test
    void thePartialOrderDrawsWhatAFullSortDraws() {
        Random logitsRng = new Random(3);
        int V = 5000;
        for (var s : new Generator.Settings[]{new Generator.Settings(1, 1.0, 0, 1.0, 0, true), new Generator.Settings(1, 0.7, 50, 1.0, 0, true),
                new Generator.Settings(1, 1.3, 0, 0.9, 0, true), new Generator.Settings(1, 1.0, 200, 0.5, 0, true), new Generator.Settings(1, 5.0, 0, 0.99, 0, true)}) {
            for (int trial = 0; trial < 40; trial++) {
                double[] logits = new double[V];
                double spread = trial % 2 == 0 ? 8 : 0.5;   // peaked (a trained model) and flat (an untrained one)
                for (int i = 0; i < V; i++) logits[i] = Math.round(logitsRng.nextGaussian() * spread * 64) / 64.0; // ties on purpose
                long seed = logitsRng.nextLong();
                assertThat(Generator.pick(logits, s, new Random(seed))).as("%s, trial %d", s, trial)
                        .isEqualTo(pickBySortingEverything(logits, s, new Random(seed)));
            }
        }
    }

    @Test
    void rowsSampledTogetherDrawWhatRowAfterRowDraws() {
        Random logitsRng = new Random(11);
        int B = 7, V = 3000;
        float[] flat = new float[B * V];
        for (int i = 0; i < flat.length; i++) flat[i] = (float) (logitsRng.nextGaussian() * 4);
        boolean[] done = {false, true, false, false, true, false, false};
        var logits = org.nd4j.linalg.factory.Nd4j.create(flat, new long[]{B, V}, 'c');
        for (var s : new Generator.Settings[]{new Generator.Settings(1, 1.0, 0, 1.0, 0, true), new Generator.Settings(1, 0.8, 40, 0.9, 0, true),
                new Generator.Settings(1, 0, 0, 1.0, 0, true)}) {
            for (long seed = 0; seed < 5; seed++) {
                Random rowAfterRow = new Random(seed);
                int[] expected = new int[B];
                for (int b = 0; b < B; b++) {
                    double[] row = new double[V];
                    for (int v = 0; v < V; v++) row[v] = flat[b * V + v];
                    expected[b] = done[b] ? -1 : Generator.pick(row, s, rowAfterRow);
                }
                Random together = new Random(seed);
                assertThat(Generator.pickRows(logits, done, s, together)).as("%s, seed %d", s, seed).containsExactly(expected);
                assertThat(together.nextLong()).as("the same draws taken").isEqualTo(rowAfterRow.nextLong());
                assertThat(Generator.pickRows(logits.dup('f'), done, s, new Random(seed))).as("f-ordered logits").containsExactly(expected);
                var half = logits.castTo(org.nd4j.linalg.api.buffer.DataType.HALF);                       // an FP16 model's logits
                Random halfRows = new Random(seed);
                int[] expectedHalf = new int[B];
                for (int b = 0; b < B; b++)
                    expectedHalf[b] = done[b] ? -1 : Generator.pick(half.getRow(b).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector(), s, halfRows);
                assertThat(Generator.pickRows(half, done, s, new Random(seed))).as("FP16 logits").containsExactly(expectedHalf);
            }
        }
    }
}
