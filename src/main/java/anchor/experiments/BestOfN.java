package anchor.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Best-of-n and Gao et al.'s (2022) over-optimisation fits as pure functions.
 * <pre>
 * best-of-n       among n samples of the base policy, keep the one the proxy scores highest
 * KL bound        KL(π_bon ‖ π) ≤ log n − (n − 1)/n                       (exact only when no two samples tie)
 * exact, discrete π_bon(y) = F(y)ⁿ − F(y⁻)ⁿ over responses ordered by proxy, F the base policy's CDF in that order;
 *                 here π is the empirical distribution of the drawn samples (identical responses merged)
 * fits, d = √KL   gold_bon(d) − gold(0) = d·(α − β·d)        gold_RL(d) − gold(0) = d·(α − β·ln d)
 * </pre>
 */
public final class BestOfN {
    private BestOfN() {
    }

    public static double klBound(int n) {
        return Math.log(n) - (n - 1.0) / n;
    }

    /** Proxy and gold of best-of-n: the samples split into consecutive groups of n, the proxy's pick of each, averaged. */
    public record Pick(double proxy, double gold) {
    }

    public static Pick pick(double[] proxy, double[] gold, int n) {
        if (n < 1 || proxy.length % n != 0) throw new IllegalArgumentException(proxy.length + " samples do not split into groups of " + n);
        double p = 0, g = 0;
        int groups = proxy.length / n;
        for (int from = 0; from < proxy.length; from += n) {
            int best = from;
            for (int i = from + 1; i < from + n; i++) if (proxy[i] > proxy[best]) best = i;
            p += proxy[best] / groups;
            g += gold[best] / groups;
        }
        return new Pick(p, g);
    }

    /**
     * KL(π_bon ‖ π) in nats with π the empirical distribution of {@code samples} (identical token sequences merged, each
     * with the proxy score it was given): the exact best-of-n distribution of that discrete π, which falls below the
     * bound when responses repeat.
     */
    public static double klExact(List<int[]> samples, double[] proxy, int n) {
        Map<String, double[]> distinct = new LinkedHashMap<>();                                // key → {count, proxy}
        for (int i = 0; i < samples.size(); i++) {
            double[] e = distinct.computeIfAbsent(Arrays.toString(samples.get(i)), k -> new double[]{0, 0});
            e[0]++;
            e[1] = proxy[i];
        }
        List<double[]> order = new ArrayList<>(distinct.values());
        order.sort(Comparator.comparingDouble(e -> e[1]));
        double total = samples.size(), cdf = 0, kl = 0;
        for (double[] e : order) {
            double p = e[0] / total, below = Math.pow(cdf, n);
            cdf += p;
            double bon = Math.pow(Math.min(1, cdf), n) - below;
            if (bon > 0) kl += bon * Math.log(bon / p);
        }
        return kl;
    }

    /** A two-parameter least-squares fit y = α·x₁ − β·x₂ (no intercept: both curves start at d = 0) and its R². */
    public record Fit(double alpha, double beta, double r2, int points) {
    }

    /** gold_bon(d) = d·(α − β·d). */
    public static Fit fitBon(double[] d, double[] gain) {
        double[] x2 = new double[d.length];
        for (int i = 0; i < d.length; i++) x2[i] = d[i] * d[i];
        return fit(d, x2, gain);
    }

    /** gold_RL(d) = d·(α − β·ln d), over the points with d &gt; 0. */
    public static Fit fitRl(double[] d, double[] gain) {
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < d.length; i++) if (d[i] > 0) kept.add(new double[]{d[i], d[i] * Math.log(d[i]), gain[i]});
        return fit(kept.stream().mapToDouble(r -> r[0]).toArray(), kept.stream().mapToDouble(r -> r[1]).toArray(), kept.stream().mapToDouble(r -> r[2]).toArray());
    }

    static Fit fit(double[] x1, double[] x2, double[] y) {
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, mean = 0;
        for (int i = 0; i < y.length; i++) {
            a11 += x1[i] * x1[i];
            a12 += x1[i] * x2[i];
            a22 += x2[i] * x2[i];
            b1 += x1[i] * y[i];
            b2 += x2[i] * y[i];
            mean += y[i] / y.length;
        }
        double det = a11 * a22 - a12 * a12;
        if (y.length < 2 || Math.abs(det) < 1e-300) return new Fit(Double.NaN, Double.NaN, Double.NaN, y.length);
        double alpha = (b1 * a22 - b2 * a12) / det, c2 = (a11 * b2 - a12 * b1) / det;     // y ≈ alpha·x1 + c2·x2
        double res = 0, tot = 0;
        for (int i = 0; i < y.length; i++) {
            double e = y[i] - alpha * x1[i] - c2 * x2[i];
            res += e * e;
            tot += (y[i] - mean) * (y[i] - mean);
        }
        return new Fit(alpha, -c2, tot > 0 ? 1 - res / tot : Double.NaN, y.length);
    }
}
