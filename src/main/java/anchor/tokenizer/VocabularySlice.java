package anchor.tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * GPT-2's tokenizer cut down to what a set of texts needs, and still GPT-2's tokenizer on them: the 256 byte tokens,
 * every token GPT-2's BPE gives those texts, every intermediate of their merge chains, and {@code <|endoftext|>};
 * the merges are GPT-2's, restricted to those tokens, in GPT-2's order. Ids are renumbered in GPT-2's layout: bytes
 * 0–255 as in GPT-2, then the merged tokens in GPT-2's id order, then {@code <|endoftext|>} last.
 *
 * <p>Why it gives GPT-2's tokens on every piece of those texts: BPE applies, at each step, the lowest-ranked merge
 * among the adjacent pairs. GPT-2's step on such a piece is a merge of the slice; the slice's merges are a subset of
 * GPT-2's with the same order; so the lowest-ranked one available is the same merge, step after step. Any other text
 * still tokenizes — into byte tokens and whatever slice merges apply — and decodes back to itself.
 *
 * @param tokens byte-level token strings by new id, {@code <|endoftext|>} last
 * @param merges "left right" rules in rank order; rule i makes token 256 + i
 */
public record VocabularySlice(List<String> tokens, List<String> merges) {

    /** The slice of GPT-2's vocabulary that the pre-tokenized pieces of {@code texts} need. */
    public static VocabularySlice of(Collection<String> texts) {
        Gpt2Tokenizer gpt2 = Gpt2Tokenizer.gpt2();
        List<String> rules = HfTokenizerFiles.gpt2Merges();                 // rule r − 256 makes GPT-2 token r
        TreeSet<Integer> kept = new TreeSet<>();                            // GPT-2 ids of the merged tokens needed
        for (String text : texts) {
            for (int id : gpt2.encode(text)) keepWithChain(id, gpt2, rules, kept);
        }
        List<String> tokens = new ArrayList<>(256 + kept.size() + 1), merges = new ArrayList<>(kept.size());
        for (int b = 0; b < 256; b++) tokens.add(gpt2.token(b));
        for (int id : kept) {
            tokens.add(gpt2.token(id));
            merges.add(rules.get(id - 256));
        }
        tokens.add(Gpt2Tokenizer.EOT);
        return new VocabularySlice(List.copyOf(tokens), List.copyOf(merges));
    }

    /** Keeps GPT-2 token {@code id} and, if it is a merge, the two tokens it merges, recursively. */
    private static void keepWithChain(int id, Gpt2Tokenizer gpt2, List<String> rules, TreeSet<Integer> kept) {
        if (id < 256 || id == Gpt2Tokenizer.EOT_ID || !kept.add(id)) return;
        String[] pair = rules.get(id - 256).split(" ");
        for (String part : pair) keepWithChain(gpt2.vocabulary().get(part), gpt2, rules, kept);
    }

    public int vocabSize() {
        return tokens.size();
    }

    /** The slice as a tokenizer (the same one {@link Gpt2Tokenizer#forModel} reads back from {@link #write}'s files). */
    public Gpt2Tokenizer tokenizer() {
        Map<String, Integer> vocab = new java.util.HashMap<>();
        for (int id = 0; id < tokens.size(); id++) vocab.put(tokens.get(id), id);
        return Gpt2Tokenizer.of(vocab, merges, "the vocabulary slice");
    }

    /** Writes {@code vocab.json} and {@code merges.txt} into {@code dir}, Hugging Face's GPT-2 tokenizer files. */
    public void write(Path dir) {
        HfTokenizerFiles.write(dir, tokens, merges);
    }

    /** The text of {@link #write}'s two files: {@code vocab.json}, then {@code merges.txt}. */
    public String[] filesText() {
        return HfTokenizerFiles.text(tokens, merges);
    }
}
