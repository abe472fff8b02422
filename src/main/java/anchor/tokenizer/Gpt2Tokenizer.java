package anchor.tokenizer;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2's byte-level BPE tokenizer, from scratch: UTF-8 bytes → {@link ByteLevel} characters →
 * {@link Pretokenizer} pieces → {@link BpeMerge} symbols → ids. {@code <|endoftext|>} in the text is the special
 * token 50256 (as Hugging Face's GPT2Tokenizer treats it). Decoding maps ids back to bytes and reads them as UTF-8,
 * replacing invalid sequences with U+FFFD (HF's {@code errors="replace"}).
 *
 * <p>Vocabulary sources: JTokkit's {@code r50k_base.tiktoken} (one line per token: base64 bytes and rank; the rank
 * order is GPT-2's merge order, so a pair's merge rank is the rank of the merged token), or a model directory's
 * {@code vocab.json} + {@code merges.txt}, or its {@code tokenizer.json}.
 */
public final class Gpt2Tokenizer {
    public static final String EOT = "<|endoftext|>";
    public static final int EOT_ID = 50256;
    static final String TIKTOKEN_RESOURCE = "/com/knuddels/jtokkit/r50k_base.tiktoken";

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final BpeMerge.PairRanks ranks;
    private final int eotId;                                                 // -1: no <|endoftext|> in the vocabulary
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** A byte-level BPE vocabulary must hold the 256 one-byte symbols, or some text cannot be encoded at all. */
    private static Map<String, Integer> checkByteSymbols(Map<String, Integer> vocab, String where) {
        for (int b = 0; b < 256; b++) {
            String sym = String.valueOf(ByteLevel.toChar(b));
            if (!vocab.containsKey(sym)) {
                throw new AnchorException(where + ": the vocabulary has no symbol for byte 0x" + String.format("%02x", b) + " ('" + sym
                        + "'): not a GPT-2 byte-level BPE vocabulary");
            }
        }
        return vocab;
    }

    private Gpt2Tokenizer(Map<String, Integer> vocab, BpeMerge.PairRanks ranks) {
        this.vocab = vocab;
        this.ranks = ranks;
        this.eotId = vocab.getOrDefault(EOT, -1);
        int max = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        idToToken = new String[max + 1];
        vocab.forEach((tok, id) -> idToToken[id] = tok);
    }

    private static volatile Gpt2Tokenizer standard;

    /** GPT-2's tokenizer from the ranks file shipped in JTokkit (no network, no model directory needed). */
    public static Gpt2Tokenizer gpt2() {
        if (standard == null) {
            synchronized (Gpt2Tokenizer.class) {
                if (standard == null) standard = fromTiktoken();
            }
        }
        return standard;
    }

    /**
     * The tokenizer files of a model directory: {@code vocab.json} + {@code merges.txt}, else {@code tokenizer.json};
     * GPT-2's own ({@link #gpt2()}) for no directory or a directory with none of them. A directory that does not
     * exist, or half a pair of files, is an error rather than a silent fall-back to GPT-2's tokenizer; so is a tokenizer
     * with more ids than the model's {@code config.json} has rows in its head (GPT-2's own, for a directory without
     * tokenizer files whose model has another vocabulary: the world's, say, with its files lost).
     */
    public static Gpt2Tokenizer forModel(Path dir) {
        if (dir == null) return gpt2();
        if (!Files.isDirectory(dir)) throw new AnchorException(dir + ": the model directory does not exist");
        boolean vocab = Files.exists(dir.resolve("vocab.json")), merges = Files.exists(dir.resolve("merges.txt"));
        Gpt2Tokenizer tok;
        if (vocab && merges) tok = fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        else if (Files.exists(dir.resolve("tokenizer.json"))) tok = fromTokenizerJson(dir.resolve("tokenizer.json"));
        else if (vocab || merges) {
            throw new AnchorException(dir + " has " + (vocab ? "vocab.json but no merges.txt" : "merges.txt but no vocab.json") + " (and no tokenizer.json): its tokenizer is incomplete");
        } else tok = gpt2();
        int modelVocab = configVocabSize(dir);
        if (modelVocab > 0 && tok.vocabSize() > modelVocab) {
            throw new AnchorException(dir + ": its model has " + modelVocab + " tokens (config.json's vocab_size) but "
                    + (tok == standard ? "it has no tokenizer files (vocab.json + merges.txt, or tokenizer.json), and GPT-2's has " : "its tokenizer has ")
                    + tok.vocabSize() + "; put the tokenizer files the model was trained with into " + dir);
        }
        return tok;
    }

    /** {@code config.json}'s vocab_size in {@code dir}, or 0 where there is no such file or field (a tokenizer-only directory). */
    private static int configVocabSize(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) return 0;
        try {
            return new ObjectMapper().readTree(config.toFile()).path("vocab_size").asInt(0);
        } catch (IOException e) {
            throw new AnchorException("cannot parse " + config + ": " + e.getMessage());
        }
    }

    static Gpt2Tokenizer fromTiktoken() {
        Map<String, Integer> vocab = new HashMap<>(65536);
        try (InputStream in = Gpt2Tokenizer.class.getResourceAsStream(TIKTOKEN_RESOURCE)) {
            if (in == null) throw new AnchorException("JTokkit's " + TIKTOKEN_RESOURCE + " is not on the classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                int sp = line.indexOf(' ');
                vocab.put(ByteLevel.encode(Base64.getDecoder().decode(line.substring(0, sp))), Integer.parseInt(line.substring(sp + 1).trim()));
            }
        } catch (IOException e) {
            throw new AnchorException("cannot read " + TIKTOKEN_RESOURCE + ": " + e.getMessage(), e);
        }
        vocab.put(EOT, EOT_ID);
        return new Gpt2Tokenizer(vocab, (a, b) -> vocab.getOrDefault(a + b, BpeMerge.NONE));
    }

    public static Gpt2Tokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab = readVocab(vocabJson);
        List<String> merges;
        try {
            merges = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AnchorException("cannot read " + mergesTxt + ": " + e.getMessage());
        }
        return of(vocab, merges.stream().filter(l -> !l.startsWith("#version") && !l.isBlank()).toList(), vocabJson.toString());
    }

    /** A byte-level BPE tokenizer of {@code vocab} (token → id) and {@code merges} ("left right", in rank order). */
    static Gpt2Tokenizer of(Map<String, Integer> vocab, List<String> merges, String where) {
        return new Gpt2Tokenizer(checkByteSymbols(vocab, where), mergeRanks(merges, where));
    }

    public static Gpt2Tokenizer fromTokenizerJson(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile()), model = root.path("model");
            if (!model.path("type").asText("BPE").equals("BPE")) throw new AnchorException(file + ": tokenizer model is not BPE");
            Map<String, Integer> vocab = new HashMap<>();
            model.path("vocab").fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
            List<String> merges = new ArrayList<>();
            model.path("merges").forEach(m -> merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText()));
            if (vocab.isEmpty()) throw new AnchorException(file + ": no BPE vocabulary under model.vocab");
            checkByteSymbols(vocab, file.toString());
            root.path("added_tokens").forEach(t -> {                  // <|endoftext|> is a special token there
                if (t.path("content").asText().equals(EOT)) vocab.putIfAbsent(EOT, t.path("id").asInt());
            });
            if (vocab.size() == EOT_ID) vocab.putIfAbsent(EOT, EOT_ID);     // GPT-2's, without its added_tokens
            return new Gpt2Tokenizer(vocab, mergeRanks(merges, file.toString()));
        } catch (IOException e) {
            throw new AnchorException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Map<String, Integer> readVocab(Path vocabJson) {
        try {
            Map<String, Integer> vocab = new HashMap<>();
            new ObjectMapper().readTree(vocabJson.toFile()).fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
            return vocab;
        } catch (IOException e) {
            throw new AnchorException("cannot read " + vocabJson + ": " + e.getMessage());
        }
    }

    private static BpeMerge.PairRanks mergeRanks(List<String> merges, String where) {
        Map<String, Integer> rank = new HashMap<>(merges.size() * 2);
        for (int i = 0; i < merges.size(); i++) {
            String[] p = merges.get(i).split(" ");
            if (p.length != 2) throw new AnchorException(where + ": merge rule " + (i + 1) + " is not two symbols: '" + merges.get(i) + "'");
            rank.putIfAbsent(p[0] + " " + p[1], i);
        }
        return (a, b) -> rank.getOrDefault(a + " " + b, BpeMerge.NONE);
    }

    public int vocabSize() {
        return idToToken.length;
    }

    /** The id of {@code <|endoftext|>} (50256 in GPT-2's vocabulary), or -1 if the vocabulary has none. */
    public int eotId() {
        return eotId;
    }

    /** Token (byte-level string) → id, read-only. */
    Map<String, Integer> vocabulary() {
        return java.util.Collections.unmodifiableMap(vocab);
    }

    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        int from = 0;
        while (from <= text.length()) {
            int at = text.indexOf(EOT, from);
            int end = at < 0 ? text.length() : at;
            for (String piece : Pretokenizer.split(text.substring(from, end))) {
                for (int id : encodePiece(ByteLevel.encode(piece.getBytes(StandardCharsets.UTF_8)))) ids.add(id);
            }
            if (at < 0) break;
            if (eotId < 0) throw new AnchorException("the text holds " + EOT + ", which this tokenizer's vocabulary does not have");
            ids.add(eotId);
            from = at + EOT.length();
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] encodePiece(String piece) {
        return cache.computeIfAbsent(piece, p -> BpeMerge.merge(p, ranks).stream().mapToInt(sym -> {
            Integer id = vocab.get(sym);
            if (id == null) throw new IllegalStateException("BPE produced '" + sym + "', which is not in the vocabulary");
            return id;
        }).toArray());
    }

    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
                throw new AnchorException("token id " + id + " is outside the vocabulary [0, " + idToToken.length + ")");
            }
            String tok = idToToken[id];
            bytes.writeBytes(tok.equals(EOT) ? EOT.getBytes(StandardCharsets.UTF_8) : ByteLevel.decode(tok));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e); // unreachable with REPLACE
        }
    }

    /** The byte-level string of one token (e.g. "Ġhow" for 703), for explanations. */
    public String token(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) throw new AnchorException("token id " + id + " is outside the vocabulary");
        return idToToken[id];
    }
}
