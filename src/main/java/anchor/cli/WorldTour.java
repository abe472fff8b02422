package anchor.cli;

import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.world.Language;
import anchor.world.PreferenceData;
import anchor.world.World;

/** Tour chapter 3: the embedded world's SFT model speaks its language. */
final class WorldTour {
    private WorldTour() {
    }

    static void run(Tour tour) {
        tour.chapter("world", "The embedded world: the SFT model speaks the language", "chapters/03-world.md; the setting of documents 1-3");
        Gpt2Model sft = Gpt2Model.of(World.sftWeights());
        int[][] prompts = new int[64][];
        for (int i = 0; i < prompts.length; i++) prompts[i] = new int[]{World.tokenizer().eotId()};
        int[][] samples = Generator.generate(sft, prompts, new Generator.Settings(60, 1.0, 0, 1.0, 99, true));
        int ok = 0;
        for (int[] s : samples) if (Language.isGrammatical(PreferenceData.responseText(s))) ok++;
        double rate = ok / 64.0;
        tour.bar("grammatical rate, 64 stories at temperature 1", ">= 0.90 (the world's)", String.format("%.3f", rate), rate >= 0.90);
        tour.note("a sample: " + PreferenceData.responseText(samples[0]));
    }
}
