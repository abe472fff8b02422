package anchor.stats;

import java.util.Locale;

/**
 * A mean over n independent values (seeds, or clusters of points that share an evaluation), its standard error
 * sd/√n and its degrees of freedom n − 1; intervals and p-values from Student's t with those degrees of freedom.
 */
public record Estimate(double mean, double se, int n) {
    /** The mean and standard error of {@code values} (sample sd, n − 1 in the denominator); n ≥ 1 (se NaN for n = 1). */
    public static Estimate of(double... values) {
        int n = values.length;
        if (n == 0) throw new IllegalArgumentException("no values");
        double mean = 0;
        for (double v : values) mean += v;
        mean /= n;
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        return new Estimate(mean, n > 1 ? Math.sqrt(ss / (n - 1) / n) : Double.NaN, n);
    }

    /**
     * The paired difference a − b over shared seeds: a[i] and b[i] come from the same seed (same data order, same
     * evaluation prompts), so the estimate is over the n differences, not two independent means (whose errors would
     * add in quadrature and count the shared part twice).
     */
    public static Estimate paired(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("paired values need the same seeds: " + a.length + " and " + b.length);
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) d[i] = a[i] - b[i];
        return of(d);
    }

    /** The standard error, or 0 for a single value: for a report's column, which must hold a number (intervals stay NaN). */
    public double seOrZero() {
        return n < 2 ? 0 : se;
    }

    public int df() {
        return n - 1;
    }

    /** The t statistic against 0. */
    public double t() {
        return mean / se;
    }

    /** The two-sided p-value against 0 (NaN with one value). */
    public double p() {
        return n < 2 ? Double.NaN : StudentT.twoSidedP(t(), df());
    }

    /** The interval mean ± t_{(1+level)/2, n−1} · se. */
    public Interval interval(double level) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        if (n < 2) return new Interval(mean, Double.NaN, Double.NaN, level, df());
        double half = StudentT.quantile((1 + level) / 2, df()) * se;
        return new Interval(mean, mean - half, mean + half, level, df());
    }

    /** A confidence interval, with the degrees of freedom it was computed with. */
    public record Interval(double estimate, double lower, double upper, double level, int df) {
        public boolean excludesZero() {
            return lower > 0 || upper < 0;
        }

        /** "+0.120 [0.031, 0.209] (95 %, t, 4 df)". */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%+.3f [%.3f, %.3f] (%.0f %%, t, %d df)", estimate, lower, upper, 100 * level, df);
        }
    }
}
