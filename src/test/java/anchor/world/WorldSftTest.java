package anchor.world;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed SFT checkpoint: it loads through the normal import path and speaks the language. */
class WorldSftTest {
    /** The bar set by the world's issue: at least 90 % of temperature-1 samples grammatical. */
    static final double GRAMMATICAL_BAR = 0.90;

    @Test
    void committedCheckpointLoadsAndSamplesAreGrammatical() {
        Gpt2Weights w = HfCheckpoint.load(World.sftDirectory());
        assertThat(w.config()).isEqualTo(World.SFT_CONFIG);
        Gpt2Model m = Gpt2Model.of(w);
        int[][] prompts = new int[64][];
        for (int i = 0; i < prompts.length; i++) prompts[i] = new int[]{anchor.tokenizer.Gpt2Tokenizer.EOT_ID};
        int[][] samples = Generator.generate(m, prompts, new Generator.Settings(60, 1.0, 0, 1.0, 99, true));
        int ok = 0;
        for (int[] s : samples) if (Language.isGrammatical(PreferenceData.responseText(s))) ok++;
        double rate = ok / (double) samples.length;
        System.out.printf("grammatical rate of 64 temperature-1 stories: %.3f%n", rate);
        assertThat(rate).isGreaterThanOrEqualTo(GRAMMATICAL_BAR);
    }
}
