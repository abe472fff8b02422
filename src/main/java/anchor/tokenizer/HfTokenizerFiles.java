package anchor.tokenizer;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's tokenizer as Hugging Face's files, {@code vocab.json} and {@code merges.txt}, so that a model directory
 * Anchor writes loads with {@code AutoTokenizer.from_pretrained(dir)} too. The vocabulary is the ids of
 * {@link Gpt2Tokenizer#gpt2()}; the merges are recovered from it, because in GPT-2 the token of id r (r ≥ 256) is
 * the r − 256-th merge: BPE on that token's bytes with only the merges below r ends in exactly two symbols, and
 * those two are the merge that makes it.
 */
public final class HfTokenizerFiles {
    private HfTokenizerFiles() {
    }

    public static final String VOCAB = "vocab.json", MERGES = "merges.txt";

    private static volatile List<String> merges;
    private static volatile String[] files;                                  // {vocab.json, merges.txt}, built once

    /** Writes {@code vocab.json} and {@code merges.txt} of GPT-2's tokenizer into {@code dir} (every checkpoint does). */
    public static void writeGpt2(Path dir) {
        write(dir, gpt2Files());
    }

    /** Writes {@code vocab.json} and {@code merges.txt} of the tokenizer with these tokens (by id) and merge rules (in rank order). */
    static void write(Path dir, List<String> tokensById, List<String> mergeRules) {
        write(dir, text(tokensById, mergeRules));
    }

    /** Writes a tokenizer's {@code vocab.json} and {@code merges.txt} as the texts given (a model's own files, carried with its weights). */
    public static void write(Path dir, String vocabJson, String mergesTxt) {
        write(dir, new String[]{vocabJson, mergesTxt});
    }

    private static void write(Path dir, String[] text) {
        try {
            Files.writeString(dir.resolve(VOCAB), text[0], StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(MERGES), text[1], StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AnchorException("cannot write the tokenizer files into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String[] gpt2Files() {
        if (files == null) {
            synchronized (HfTokenizerFiles.class) {
                if (files == null) {
                    Map<String, Integer> vocab = Gpt2Tokenizer.gpt2().vocabulary();
                    String[] byId = new String[Gpt2Tokenizer.EOT_ID + 1];
                    vocab.forEach((tok, id) -> byId[id] = tok);
                    files = text(List.of(byId), gpt2Merges());
                }
            }
        }
        return files;
    }

    /** The two files' text: {@code vocab.json} (token → id) and {@code merges.txt} (its version line, then one rule a line). */
    static String[] text(List<String> tokensById, List<String> mergeRules) {
        ObjectNode v = new ObjectMapper().createObjectNode();
        for (int id = 0; id < tokensById.size(); id++) v.put(tokensById.get(id), id);
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        for (String rule : mergeRules) m.append(rule).append('\n');
        return new String[]{v.toString(), m.toString()};
    }

    /** GPT-2's 50,000 merge rules in rank order, "left right" in the byte-level alphabet. */
    static List<String> gpt2Merges() {
        if (merges == null) {
            synchronized (HfTokenizerFiles.class) {
                if (merges == null) merges = recoverMerges(Gpt2Tokenizer.gpt2().vocabulary());
            }
        }
        return merges;
    }

    private static List<String> recoverMerges(Map<String, Integer> vocab) {
        String[] byId = new String[Gpt2Tokenizer.EOT_ID];
        vocab.forEach((tok, id) -> {
            if (id < byId.length) byId[id] = tok;
        });
        List<String> rules = new java.util.ArrayList<>(byId.length - 256);
        for (int r = 256; r < byId.length; r++) {
            int below = r;
            List<String> parts = BpeMerge.merge(byId[r], (a, b) -> {
                int id = vocab.getOrDefault(a + b, BpeMerge.NONE);
                return id < below ? id : BpeMerge.NONE;
            });
            if (parts.size() != 2) throw new IllegalStateException("token " + r + " ('" + byId[r] + "') is not one merge of two earlier tokens: " + parts);
            rules.add(parts.get(0) + " " + parts.get(1));
        }
        return rules;
    }
}
