package anchor.gpt2;

import java.util.Random;

/**
 * One sampling step from a row of logits, as Hugging Face's {@code generate} filters: temperature, then top-k, then
 * top-p (nucleus). The draw is the inverse CDF over tokens in rank order — descending probability, ties by lower id
 * first: u ~ U(0, Σp), and the token at which the running sum in rank order passes u. That token is found without
 * ordering the vocabulary: a quickselect on probability mass (pick a pivot token, sum the mass ranked above it, go
 * left or right), O(V) expected, on primitive arrays. Top-k and the nucleus are selected the same way.
 */
public final class TokenSampler {
    private TokenSampler() {
    }

    /**
     * @param temperature 0 for greedy (argmax), else &gt; 0
     * @param topK        0 for off, else keep the k most likely tokens
     * @param topP        1 for off, else keep the smallest set (in rank order) whose probability reaches p
     */
    public static int pick(double[] logits, double temperature, int topK, double topP, Random rng) {
        return temperature == 0 ? argmax(logits) : pickAt(logits, temperature, topK, topP, rng.nextDouble());
    }

    /** As {@link #pick}, with the uniform draw in [0, 1) given: {@code pick} takes one from {@code rng} unless greedy. */
    public static int pickAt(double[] logits, double temperature, int topK, double topP, double draw) {
        return temperature == 0 ? argmax(logits) : pickAt(logits, temperature, topK, topP, draw, new double[logits.length], new int[logits.length]);
    }

    /**
     * As above, in the caller's scratch arrays {@code p} and {@code set} (each exactly as long as the logits; their
     * contents are overwritten): a step of 64 rows over 50,257 tokens allocated 64 MB of them.
     */
    static int pickAt(double[] logits, double temperature, int topK, double topP, double draw, double[] p, int[] set) {
        if (temperature == 0) return argmax(logits);
        int V = logits.length;
        if (p.length != V || set.length != V) throw new IllegalArgumentException("scratch arrays of " + p.length + " and " + set.length + " for " + V + " logits");
        double max = logits[argmax(logits)] / temperature;
        for (int i = 0; i < V; i++) p[i] = Math.exp(logits[i] / temperature - max);   // unnormalised probabilities at this temperature
        for (int i = 0; i < V; i++) set[i] = i;
        int n = V;
        if (topK > 0 && topK < V) {
            selectTop(set, topK, logits);                         // set[0..k) = the k best, in no order
            n = topK;
        }
        if (topP < 1) {
            int t = crossing(set, n, p, logits, topP * mass(set, n, p), false);
            if (t >= 0) n = keepUpTo(set, n, t, logits);          // the nucleus: every token ranked at or above t
        }
        double u = draw * mass(set, n, p);
        int t = crossing(set, n, p, logits, u, true);
        return t >= 0 ? t : lastRanked(set, n, logits);           // rounding left a sliver: the last kept token
    }

    public static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** Whether token a is ranked before token b: higher logit, or the same logit and a lower id. */
    static boolean before(int a, int b, double[] x) {
        return x[a] > x[b] || (x[a] == x[b] && a < b);
    }

    /**
     * The token of {@code set[0..n)} at which the running mass in rank order first exceeds {@code target}
     * ({@code strict}) or reaches it; −1 if the whole set's mass does not. Quickselect on mass: the set is reordered.
     */
    static int crossing(int[] set, int n, double[] p, double[] x, double target, boolean strict) {
        Random pivots = new Random(n);
        int lo = 0, hi = n;
        double base = 0;                                          // mass ranked above set[lo..hi)
        while (hi > lo) {
            int pivot = set[lo + pivots.nextInt(hi - lo)];
            int mid = partition(set, lo, hi, pivot, x);           // set[lo..mid) before the pivot, set[mid] = pivot
            double above = base;
            for (int i = lo; i < mid; i++) above += p[set[i]];
            if (strict ? above > target : above >= target) {
                hi = mid;
            } else if (strict ? above + p[pivot] > target : above + p[pivot] >= target) {
                return pivot;
            } else {
                base = above + p[pivot];
                lo = mid + 1;
            }
        }
        return -1;
    }

    /** Moves the tokens ranked before {@code pivot} to the front of set[lo..hi), then the pivot; returns its index. */
    private static int partition(int[] set, int lo, int hi, int pivot, double[] x) {
        int i = lo;
        for (int j = lo; j < hi; j++) if (before(set[j], pivot, x)) swap(set, i++, j);
        for (int j = i; j < hi; j++) {
            if (set[j] == pivot) {
                swap(set, i, j);
                break;
            }
        }
        return i;
    }

    /** Reorders {@code set} so that its first k entries are the k best-ranked (quickselect by rank). */
    static void selectTop(int[] set, int k, double[] x) {
        Random pivots = new Random(set.length);
        int lo = 0, hi = set.length;
        while (hi - lo > 1) {
            int mid = partition(set, lo, hi, set[lo + pivots.nextInt(hi - lo)], x);
            if (mid == k || mid + 1 == k) return;
            if (mid > k) hi = mid;
            else lo = mid + 1;
        }
    }

    /** Keeps in set[0..n) only the tokens ranked at or before {@code t}; returns how many. */
    private static int keepUpTo(int[] set, int n, int t, double[] x) {
        int m = 0;
        for (int i = 0; i < n; i++) if (set[i] == t || before(set[i], t, x)) swap(set, m++, i);
        return m;
    }

    private static int lastRanked(int[] set, int n, double[] x) {
        int last = set[0];
        for (int i = 1; i < n; i++) if (before(last, set[i], x)) last = set[i];
        return last;
    }

    private static double mass(int[] set, int n, double[] p) {
        double s = 0;
        for (int i = 0; i < n; i++) s += p[set[i]];
        return s;
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
