package anchor.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Gpt2TokenizerTest {
    /** Document 1, "Computing KL Divergence: The Actual Math", printout "Tokens:" (exact). */
    static final int[] DOC1_TOKENS = {15496, 11, 703, 389, 345, 1804, 1909, 30};
    static final String DOC1_TEXT = "Hello, how are you doing today?";

    static final List<String> CORPUS = Gpt2TokenizerTestCorpus.CORPUS;

    @Test
    void documentOneSentence() {
        assertThat(Gpt2Tokenizer.gpt2().encode(DOC1_TEXT)).containsExactly(DOC1_TOKENS);
    }

    @Test
    void agreesWithJtokkitAndRoundTrips() {
        Encoding jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Gpt2Tokenizer tok = Gpt2Tokenizer.gpt2();
        for (String s : CORPUS) {
            int[] ours = tok.encode(s);
            assertThat(ours).as("ids for %s", s).containsExactly(jtokkit.encodeOrdinary(s).toArray());
            assertThat(tok.decode(ours)).as("round trip").isEqualTo(s);
        }
    }

    @Test
    void agreesWithJtokkitOnRandomUnicode() {
        Encoding jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        Gpt2Tokenizer tok = Gpt2Tokenizer.gpt2();
        java.util.Random r = new java.util.Random(2024);
        int[][] ranges = {{0x20, 0x7e}, {0x09, 0x0d}, {0xa0, 0x17f}, {0x370, 0x3ff}, {0x400, 0x4ff}, {0x590, 0x6ff},
                {0x900, 0x97f}, {0x2000, 0x206f}, {0x3000, 0x30ff}, {0x4e00, 0x4f00}, {0xac00, 0xad00}, {0x1f300, 0x1f64f},
                {0x1d400, 0x1d4ff}, {0x1c, 0x1f}, {0x85, 0x85}, {0x2028, 0x2029}, {0xfe00, 0xfe0f}};
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(24);
            for (int k = 0; k < n; k++) {
                int[] range = r.nextInt(3) == 0 ? ranges[r.nextInt(ranges.length)] : ranges[0];
                sb.appendCodePoint(range[0] + r.nextInt(range[1] - range[0] + 1));
            }
            String s = sb.toString();
            assertThat(tok.encode(s)).as("ids for %s", s.codePoints().mapToObj(Integer::toHexString).toList())
                    .containsExactly(jtokkit.encodeOrdinary(s).toArray());
            assertThat(tok.decode(tok.encode(s))).isEqualTo(s);
        }
    }

    @Test
    void endOfTextIsTheSpecialToken() {
        Gpt2Tokenizer tok = Gpt2Tokenizer.gpt2();
        assertThat(tok.encode("Hi<|endoftext|>")).containsExactly(17250, 50256);
        assertThat(tok.decode(new int[]{17250, 50256})).isEqualTo("Hi<|endoftext|>");
    }

    @Test
    void byteLevelTableIsGpt2s() {
        assertThat(ByteLevel.toChar(' ')).isEqualTo('Ġ');
        assertThat(ByteLevel.toChar('\n')).isEqualTo('Ċ');
        assertThat(ByteLevel.toChar('A')).isEqualTo('A');
        for (int b = 0; b < 256; b++) assertThat(ByteLevel.decode(String.valueOf(ByteLevel.toChar(b)))[0] & 0xff).isEqualTo(b);
        assertThat(Gpt2Tokenizer.gpt2().token(703)).isEqualTo("Ġhow");
    }

    @Test
    void vocabJsonAndMergesGiveTheSameIds(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // A small vocabulary in HF's file format, built from the first merges of the real one.
        Gpt2Tokenizer full = Gpt2Tokenizer.gpt2();
        StringBuilder vocab = new StringBuilder("{");
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (int id = 0; id < 256; id++) vocab.append(id == 0 ? "" : ",").append(json(full.token(id))).append(':').append(id);
        String[] rules = {"Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he", "e r", "Ġ s", "a t", "Ġ w", "Ġ o", "e n", "Ġ c", "i t", "i s", "a n", "o r", "e s", "Ġ b"};
        int id = 256;
        for (String r : rules) {
            merges.append(r).append('\n');
            vocab.append(',').append(json(r.replace(" ", ""))).append(':').append(id); // GPT-2 gives merge i the id 256 + i
            id++;
        }
        vocab.append(",\"<|endoftext|>\":50256}");
        Files.writeString(dir.resolve("vocab.json"), vocab);
        Files.writeString(dir.resolve("merges.txt"), merges);
        Gpt2Tokenizer small = Gpt2Tokenizer.forModel(dir);
        assertThat(small.encode(" the cat is on the mat")).isEqualTo(
                new int[]{262, 269, 265, 220, 271, 220, 261, 262, 220, 76, 265});
        // the full vocabulary merges further: " cat" is one token there
        assertThat(full.encode(" the cat is on the mat")).isEqualTo(new int[]{262, 3797, 318, 319, 262, 2603});
        assertThat(small.decode(small.encode(" the cat is on the mat"))).isEqualTo(" the cat is on the mat");
    }

    @Test
    void brokenOrMissingTokenizerFilesAreNamedInsteadOfFallingBackToGpt2(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Gpt2Tokenizer.forModel(dir.resolve("nonexistent"))).isInstanceOf(anchor.AnchorException.class)
                .hasMessageContaining("the model directory does not exist");
        Path half = Files.createDirectory(dir.resolve("half"));
        Files.writeString(half.resolve("vocab.json"), "{\"a\": 0}");
        assertThatThrownBy(() -> Gpt2Tokenizer.forModel(half)).hasMessageContaining("vocab.json but no merges.txt");
        Path noBytes = Files.createDirectory(dir.resolve("no-bytes"));
        Files.writeString(noBytes.resolve("vocab.json"), "{\"a\": 0, \"b\": 1}");
        Files.writeString(noBytes.resolve("merges.txt"), "#version: 0.2\na b\n");
        assertThatThrownBy(() -> Gpt2Tokenizer.forModel(noBytes)).isInstanceOf(anchor.AnchorException.class)
                .hasMessageContaining("no symbol for byte 0x00").hasMessageContaining("not a GPT-2 byte-level BPE vocabulary");
        assertThat(Gpt2Tokenizer.forModel(Files.createDirectory(dir.resolve("weights-only"))).encode(" cat"))
                .as("a model directory without tokenizer files uses GPT-2's").containsExactly(3797);
    }

    /** The files Anchor writes into model directories are GPT-2's tokenizer: the same ids for every corpus text. */
    @Test
    void theWrittenHuggingFaceFilesAreGpt2sTokenizer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        HfTokenizerFiles.writeGpt2(dir);
        List<String> merges = Files.readAllLines(dir.resolve(HfTokenizerFiles.MERGES));
        assertThat(merges).hasSize(50_001).startsWith("#version: 0.2", "Ġ t", "Ġ a", "h e", "i n", "r e", "o n", "Ġt he");
        Gpt2Tokenizer fromFiles = Gpt2Tokenizer.forModel(dir), standard = Gpt2Tokenizer.gpt2();
        assertThat(fromFiles.vocabSize()).isEqualTo(50_257);
        for (String text : Gpt2TokenizerTestCorpus.CORPUS) assertThat(fromFiles.encode(text)).as(text).isEqualTo(standard.encode(text));
    }

    private static String json(String s) {
        return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
    }

    @Test
    void unknownIdsAreRefused() {
        assertThatThrownBy(() -> Gpt2Tokenizer.gpt2().decode(new int[]{50257})).hasMessageContaining("outside the vocabulary");
    }
}
