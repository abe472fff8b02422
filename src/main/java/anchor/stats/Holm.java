package anchor.stats;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down correction (Holm 1979) across the m comparisons of one table: sort the p-values, multiply the k-th
 * smallest (k = 0, 1, …) by m − k, keep the running maximum (adjusted values never decrease along the order), cap
 * at 1. A comparison is shown at level α when its adjusted p-value is at most α; the family-wise error stays at α.
 */
public final class Holm {
    private Holm() {
    }

    /** The adjusted p-values, in the order given. */
    public static double[] adjust(double... p) {
        int m = p.length;
        Integer[] order = IntStream.range(0, m).boxed().sorted(Comparator.comparingDouble(i -> p[i])).toArray(Integer[]::new);
        double[] adjusted = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++) {
            running = Math.max(running, Math.min(1, (m - k) * p[order[k]]));
            adjusted[order[k]] = running;
        }
        return adjusted;
    }

    /** Whether each comparison is shown at family-wise level α. */
    public static boolean[] shown(double alpha, double... p) {
        double[] a = adjust(p);
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] <= alpha;
        return out;
    }

}
