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
}
