package anchor.world;

import anchor.data.PreferencePair;
import anchor.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The world's vocabulary slice is GPT-2's tokenizer on everything the world says (#39, item 1). */
class WorldVocabularyTest {
    private static final Gpt2Tokenizer GPT2 = Gpt2Tokenizer.gpt2(), WORLD = World.vocabulary().tokenizer();

    private static List<String> strings(Gpt2Tokenizer tok, String text) {
        return Arrays.stream(tok.encode(text)).mapToObj(tok::token).toList();
    }

    @Test
    void gpt2sTokensOnTheWorldsStories() {
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            String story = Gpt2Tokenizer.EOT + Language.story(r) + Gpt2Tokenizer.EOT;
            assertThat(strings(WORLD, story)).as(story).isEqualTo(strings(GPT2, story));
        }
    }

    @Test
    void gpt2sTokensOnThePreferenceDataPrompts() {
        List<PreferencePair> pairs = new ArrayList<>(World.trainPairs());
        pairs.addAll(World.heldOutPairs());
        for (PreferencePair p : pairs) assertThat(strings(WORLD, p.prompt())).as(p.prompt()).isEqualTo(strings(GPT2, p.prompt()));
    }

    @Test
    void gpt2sTokensOnRandomStringsOfItsWords() {
        List<String> forms = Language.wordForms().stream().filter(f -> !f.isBlank() && Character.isLetter(f.strip().charAt(0))).toList();
        Random r = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 1 + r.nextInt(12); k > 0; k--) {               // words meet only across a space or a period
                String w = forms.get(r.nextInt(forms.size())).strip();
                boolean after = sb.length() > 0 && sb.charAt(sb.length() - 1) != '.';
                sb.append(after || r.nextBoolean() ? " " : "").append(w).append(r.nextInt(6) == 0 ? "." : "");
            }
            String s = sb.toString();
            assertThat(strings(WORLD, s)).as("'%s'", s).isEqualTo(strings(GPT2, s));
        }
    }

    /**
     * A second implementation agrees: {@code make_slice_fixture.py} (GPT-2's encoder.py algorithm in Python, reading only
     * the slice's vocab.json and merges.txt; with transformers installed, also {@code GPT2TokenizerFast}) wrote the ids.
     */
    @Test
    void aPythonBpeOnItsFilesGivesTheSameIds(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        World.vocabulary().write(dir);
        Gpt2Tokenizer fromFiles = Gpt2Tokenizer.forModel(dir);
        var fixture = new com.fasterxml.jackson.databind.ObjectMapper().readTree(getClass().getResourceAsStream("/anchor/tokenizer/slice-fixture.json"));
        assertThat(fixture.get("vocab_size").asInt()).isEqualTo(World.vocabulary().vocabSize());
        assertThat(fixture.get("cases")).hasSizeGreaterThan(10);
        for (var c : fixture.get("cases")) {
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) expected[i] = c.get("ids").get(i).asInt();
            String text = c.get("text").asText();
            assertThat(fromFiles.encode(text)).as(text).containsExactly(expected);
            assertThat(WORLD.encode(text)).as(text).containsExactly(expected);
        }
    }

    @Test
    void isAFewHundredTokensNotFiftyThousand() {
        assertThat(World.vocabulary().vocabSize()).isBetween(300, 1200);
        assertThat(WORLD.decode(WORLD.encode("Zebras don't speak the world's language: 42!"))).isEqualTo("Zebras don't speak the world's language: 42!");
    }
}
