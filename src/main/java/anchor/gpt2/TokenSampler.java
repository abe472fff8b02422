package anchor.gpt2;

import java.util.Arrays;
import java.util.Random;

/**
 * One sampling step from a row of logits, as Hugging Face's {@code generate} filters: temperature, then top-k, then
 * top-p (nucleus). The draw is the inverse CDF over tokens in descending order of probability (ties: lower id
 * first): u ~ U(0, Σp), and the token at which the running sum passes u. Only the most likely tokens are ordered —
 * the top {@value #FIRST_CANDIDATES} at first, twice as many whenever the draw or the nucleus reaches past them — on
 * primitive arrays, so a step costs O(V) rather than a sort of the whole vocabulary.
 */
public final class TokenSampler {
    private TokenSampler() {
    }

    static final int FIRST_CANDIDATES = 64;

    /**
     * @param temperature 0 for greedy (argmax), else &gt; 0
     * @param topK        0 for off, else keep the k most likely tokens
     * @param topP        1 for off, else keep the smallest set (in descending order) whose probability reaches p
     */
    public static int pick(double[] logits, double temperature, int topK, double topP, Random rng) {
        if (temperature == 0) return argmax(logits);
        int V = logits.length;
        double max = logits[argmax(logits)] / temperature;
        double[] p = new double[V];                             // unnormalised probabilities at this temperature
        for (int i = 0; i < V; i++) p[i] = Math.exp(logits[i] / temperature - max);
        int keep = topK > 0 ? Math.min(topK, V) : V;
        double sum = 0;                                         // the kept set's mass
        if (keep == V) {
            for (double v : p) sum += v;
        } else {
            int[] k = top(logits, keep);
            for (int i = 0; i < keep; i++) sum += p[k[i]];
        }
        double u = Double.NaN;
        for (int m = Math.min(keep, FIRST_CANDIDATES); ; m = Math.min(keep, 2 * m)) {
            int[] order = top(logits, m);                       // the m most likely, in descending order
            int n = m;                                          // the candidates the draw may land on
            double mass = sum;
            if (topP < 1) {
                double cum = 0;
                int k = 0;
                while (k < m && cum < topP * sum) cum += p[order[k++]];
                if (cum < topP * sum && m < keep) continue;     // the nucleus reaches past the candidates
                n = Math.max(k, 1);
                mass = 0;
                for (int i = 0; i < n; i++) mass += p[order[i]];
            }
            if (Double.isNaN(u)) u = rng.nextDouble() * mass;
            double left = u;
            for (int i = 0; i < n; i++) {
                left -= p[order[i]];
                if (left < 0) return order[i];
            }
            if (n < m || m == keep) return order[n - 1];        // rounding left a sliver: the last kept token
        }
    }

    public static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** The indices of the m largest values, in descending order of value, ties by ascending index. */
    static int[] top(double[] x, int m) {
        double threshold = m >= x.length ? Double.NEGATIVE_INFINITY : kthLargest(x, m);
        int[] idx = new int[x.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) if (x[i] >= threshold) idx[n++] = i;
        int[] cand = Arrays.copyOf(idx, n);
        mergeSort(cand, new int[n], 0, n, x);
        return Arrays.copyOf(cand, Math.min(m, n));
    }

    /** The m-th largest value (m ≥ 1) by quickselect on a copy. */
    static double kthLargest(double[] x, int m) {
        double[] a = x.clone();
        int lo = 0, hi = a.length - 1, k = m - 1;
        Random pivots = new Random(a.length);
        while (lo < hi) {
            double pivot = a[lo + pivots.nextInt(hi - lo + 1)];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j) {
                    double t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }

    private static void mergeSort(int[] a, int[] tmp, int from, int to, double[] x) {
        if (to - from < 2) return;
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid, x);
        mergeSort(a, tmp, mid, to, x);
        int i = from, j = mid, k = from;
        while (i < mid && j < to) tmp[k++] = before(a[j], a[i], x) ? a[j++] : a[i++];
        while (i < mid) tmp[k++] = a[i++];
        while (j < to) tmp[k++] = a[j++];
        System.arraycopy(tmp, from, a, from, to - from);
    }

    /** Whether token a comes before token b: higher value, or equal value and lower id. */
    private static boolean before(int a, int b, double[] x) {
        return x[a] > x[b] || (x[a] == x[b] && a < b);
    }
}
