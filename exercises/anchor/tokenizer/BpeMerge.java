package anchor.tokenizer;

import java.util.List;

/**
 * EXERCISE 1.1 — the BPE merge loop (Sennrich et al. 2016, Algorithm 1, applied at encode time as in GPT-2).
 * Reading: chapters/01-gpt2-foundation.md, "Tokenizer". Tests: {@code BpeMergeExerciseTest}.
 */
public final class BpeMerge {
    private BpeMerge() {
    }

    /** The rank of merging {@code left} and {@code right} (lower merges first), or {@link #NONE}. */
    @FunctionalInterface
    public interface PairRanks {
        int rank(String left, String right);
    }

    public static final int NONE = Integer.MAX_VALUE;

    /**
     * Contract:
     * <ol>
     *   <li>Start with one symbol per character of {@code piece} (each char stands for one byte).</li>
     *   <li>Among all adjacent pairs, find the one with the lowest {@code ranks.rank(left, right)}.
     *       If every pair has rank {@link #NONE}, stop.</li>
     *   <li>Replace every occurrence of that pair, scanning left to right without overlaps, by the concatenated
     *       symbol; go back to step 2.</li>
     * </ol>
     * @param piece a non-empty pre-tokenized piece in the byte-level alphabet
     * @return the final symbols in order; their concatenation equals {@code piece}
     */
    public static List<String> merge(String piece, PairRanks ranks) {
        throw new UnsupportedOperationException("Exercise 1.1: implement the BPE merge loop (BpeMerge.merge)");
    }
}
