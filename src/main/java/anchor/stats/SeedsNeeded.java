package anchor.stats;

/**
 * How many seeds a difference not shown would need: the smallest n with t_{1−α/2, n−1} · sd/√n &lt; |mean| — the
 * observed mean difference and seed-to-seed standard deviation taken as the truth, α the level each comparison gets
 * (for a table of m comparisons under Holm, at most α/m for the smallest p-value: pass that to be safe).
 */
public final class SeedsNeeded {
    private SeedsNeeded() {
    }

    /** The seeds needed, or −1 when none up to {@code max} would do (a mean of 0, or a spread too large). */
    public static int forDifference(double mean, double sd, double alpha, int max) {
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        if (mean == 0 || Double.isNaN(mean) || Double.isNaN(sd)) return -1;
        if (sd == 0) return 2;
        for (int n = 2; n <= max; n++) {
            if (StudentT.quantile(1 - alpha / 2, n - 1) * sd / Math.sqrt(n) < Math.abs(mean)) return n;
        }
        return -1;
    }

    /** As above from a paired estimate over its seeds (its sd is se·√n). */
    public static int forDifference(Estimate paired, double alpha, int max) {
        return forDifference(paired.mean(), paired.se() * Math.sqrt(paired.n()), alpha, max);
    }
}
