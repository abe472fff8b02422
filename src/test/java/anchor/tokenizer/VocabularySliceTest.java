package anchor.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VocabularySliceTest {
    private static final List<String> TEXTS = List.of("The dog sleeps.", " The cat sees a dog quietly.", "Hello, world");

    /** The token strings of {@code text} under {@code tok}: what must agree between the slice and GPT-2. */
    static List<String> strings(Gpt2Tokenizer tok, String text) {
        return Arrays.stream(tok.encode(text)).mapToObj(tok::token).toList();
    }

    @Test
    void givesGpt2sTokensOnItsTexts() {
        VocabularySlice slice = VocabularySlice.of(TEXTS);
        Gpt2Tokenizer tok = slice.tokenizer();
        for (String t : TEXTS) assertThat(strings(tok, t)).as(t).isEqualTo(strings(Gpt2Tokenizer.gpt2(), t));
        assertThat(tok.token(tok.encode("The")[0])).isEqualTo("The");
    }

    @Test
    void keepsGpt2sLayoutBytesFirstEndOfTextLast() {
        VocabularySlice slice = VocabularySlice.of(TEXTS);
        Gpt2Tokenizer tok = slice.tokenizer();
        for (int b = 0; b < 256; b++) assertThat(tok.token(b)).isEqualTo(Gpt2Tokenizer.gpt2().token(b));
        assertThat(tok.eotId()).isEqualTo(slice.vocabSize() - 1);
        assertThat(tok.encode("a<|endoftext|>b")[1]).isEqualTo(tok.eotId());
        assertThat(slice.merges()).hasSize(slice.vocabSize() - 257);
        for (int i = 0; i < slice.merges().size(); i++) {            // rule i makes token 256 + i, in GPT-2's order
            assertThat(slice.merges().get(i).replace(" ", "")).isEqualTo(slice.tokens().get(256 + i));
        }
        List<Integer> gpt2Ids = slice.tokens().subList(256, slice.vocabSize() - 1).stream().map(t -> Gpt2Tokenizer.gpt2().vocabulary().get(t)).toList();
        assertThat(gpt2Ids).isSorted();
    }

    @Test
    void anyOtherTextStillTokenizesAndRoundTrips() {
        Gpt2Tokenizer tok = VocabularySlice.of(TEXTS).tokenizer();
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 1 + r.nextInt(20); k > 0; k--) sb.appendCodePoint(r.nextInt(4) == 0 ? 0xa0 + r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f));
            String s = sb.toString();
            assertThat(tok.decode(tok.encode(s))).isEqualTo(s);
        }
    }

    @Test
    void itsFilesReadBackAsTheSameTokenizer(@org.junit.jupiter.api.io.TempDir Path dir) {
        VocabularySlice slice = VocabularySlice.of(TEXTS);
        slice.write(dir);
        Gpt2Tokenizer back = Gpt2Tokenizer.forModel(dir);
        assertThat(back.vocabSize()).isEqualTo(slice.vocabSize());
        for (String t : TEXTS) assertThat(back.encode(t)).isEqualTo(slice.tokenizer().encode(t));
        assertThat(back.eotId()).isEqualTo(slice.vocabSize() - 1);
    }
}
