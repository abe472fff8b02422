package anchor.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The BPE merge loop (Sennrich et al. 2016, Algorithm 1, applied at encode time as in GPT-2's encoder.py):
 * start from one symbol per byte; repeatedly find the adjacent pair with the lowest merge rank and merge every
 * occurrence of it, left to right; stop when no adjacent pair has a rank.
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
     * @param piece a pre-tokenized piece in the byte-level alphabet (one char per byte), non-empty
     * @return the symbols after all merges, in order; their concatenation equals {@code piece}
     */
    public static List<String> merge(String piece, PairRanks ranks) {
        List<String> symbols = new ArrayList<>(piece.length());
        for (int i = 0; i < piece.length(); i++) symbols.add(String.valueOf(piece.charAt(i)));
        while (symbols.size() > 1) {
            int best = NONE;
            String left = null, right = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                int r = ranks.rank(symbols.get(i), symbols.get(i + 1));
                if (r < best) {
                    best = r;
                    left = symbols.get(i);
                    right = symbols.get(i + 1);
                }
            }
            if (best == NONE) break;
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                    merged.add(left + right);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        return symbols;
    }
}
