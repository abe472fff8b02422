package anchor.stats;

/**
 * Student's t distribution with ν degrees of freedom: its CDF through the regularised incomplete beta function,
 * <pre>
 * F(t; ν) = 1 − ½·I_x(ν/2, ½),   x = ν / (ν + t²),   for t ≥ 0;   F(−t) = 1 − F(t)
 * </pre>
 * and its quantiles by bisection on F (monotone). I_x(a, b) by its continued fraction (modified Lentz), as in
 * Numerical Recipes §6.4; double precision to about 1e-12 here.
 */
public final class StudentT {
    private StudentT() {
    }

    public static double cdf(double t, double df) {
        check(df);
        if (Double.isNaN(t)) return Double.NaN;
        if (Double.isInfinite(t)) return t > 0 ? 1 : 0;
        double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);   // P(T > |t|)
        return t >= 0 ? 1 - tail : tail;
    }

    /** The p-quantile: the t with F(t; ν) = p, for 0 &lt; p &lt; 1. */
    public static double quantile(double p, double df) {
        check(df);
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p must be in (0, 1), got " + p);
        if (p == 0.5) return 0;
        if (p < 0.5) return -quantile(1 - p, df);
        double lo = 0, hi = 1;
        while (cdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf(mid, df) < p) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /** The two-sided p-value of an observed t: P(|T| ≥ |t|). */
    public static double twoSidedP(double t, double df) {
        check(df);
        return Math.min(1, regularizedBeta(df / (df + t * t), df / 2, 0.5));
    }

    private static void check(double df) {
        if (!(df > 0) || Double.isInfinite(df)) throw new IllegalArgumentException("degrees of freedom must be a finite number > 0, got " + df);
    }

    /** I_x(a, b), the regularised incomplete beta function. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        return x < (a + 1) / (a + b + 2) ? front * continuedFraction(x, a, b) / a : 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));            // even step
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));        // odd step
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-16) break;
        }
        return h;
    }

    /** log Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms: relative error about 1e-15). */
    static double logGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        x -= 1;
        double s = c[0];
        for (int i = 1; i < 9; i++) s += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
    }
}
