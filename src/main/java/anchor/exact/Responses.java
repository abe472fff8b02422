package anchor.exact;

import anchor.AnchorException;

import java.util.ArrayList;
import java.util.List;

/**
 * Every response of the exact world: for k = 0 … L−1, each of the V^k strings of k ordinary tokens followed by
 * {@code <|endoftext|>}, and each of the V^L strings of L ordinary tokens (cut there), where V counts the ordinary
 * tokens (every id but the EOS, the last). Each response is a leaf of the tree of continuations, and every leaf is
 * listed once, so Σ_y π(y) = 1 for any model.
 */
public final class Responses {
    /** The most responses one enumeration may list (the KL of a model over more is not this world's). */
    public static final long MAX = 2_000_000;

    private Responses() {
    }

    /** Σ_{k<L} V^k + V^L: how many responses {@link #all} lists. */
    public static long count(int ordinaryTokens, int maxLength) {
        long total = 0, power = 1;
        for (int k = 0; k < maxLength; k++) {
            total += power;
            power *= ordinaryTokens;
            if (total + power > MAX) return MAX + 1;
        }
        return total + power;
    }

    /** Every response with at most {@code maxLength} tokens over a vocabulary of {@code vocabSize} ids (EOS = the last), shortest first. */
    public static List<int[]> all(int vocabSize, int maxLength) {
        if (maxLength < 1) throw new AnchorException("--max-len must be >= 1, got " + maxLength);
        int V = vocabSize - 1, eos = vocabSize - 1;
        long n = count(V, maxLength);
        if (n > MAX) throw new AnchorException("--max-len " + maxLength + " over " + V + " ordinary tokens gives more than " + MAX + " responses; use a shorter --max-len");
        List<int[]> out = new ArrayList<>((int) n);
        for (int k = 0; k <= maxLength; k++) {
            int[] digits = new int[k];
            long strings = (long) Math.pow(V, k);
            for (long i = 0; i < strings; i++) {
                long rest = i;
                for (int j = k - 1; j >= 0; j--, rest /= V) digits[j] = (int) (rest % V);
                if (k < maxLength) {
                    int[] y = java.util.Arrays.copyOf(digits, k + 1);
                    y[k] = eos;                                                   // ends at its EOS
                    out.add(y);
                } else {
                    out.add(digits.clone());                                      // cut at L tokens
                }
            }
        }
        return out;
    }
}
