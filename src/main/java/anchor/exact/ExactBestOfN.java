package anchor.exact;

import java.util.TreeMap;

/**
 * Best-of-n, exactly: draw n responses from π, keep the one of highest reward (ties: one of the tied draws, uniformly).
 * With F(ℓ) = π(r(y) ≤ ℓ) and F(ℓ⁻) = π(r(y) &lt; ℓ) for a reward level ℓ,
 * <pre>
 * π_n(y) = π(y) / π(r = r(y)) · (F(r(y))^n − F(r(y)⁻)^n)
 * </pre>
 * (the chance that the best draw lies in y's level, shared among the level's responses as π shares it). Its KL from
 * π is then a sum, beside the formula log n − (n−1)/n that papers quote: equal to it for a reward with no ties, an
 * upper bound in general (Beirami et al. 2024, arXiv 2401.01879) — in a world of few rewards the gap shows.
 */
public final class ExactBestOfN {
    private ExactBestOfN() {
    }

    /** π_n over π's responses. */
    public static ExactDistribution of(ExactDistribution pi, double[] reward, int n) {
        if (n < 1) throw new anchor.AnchorException("n must be >= 1, got " + n);
        if (n == 1) return pi;                                                      // one draw: π itself, not π rounded through its levels
        TreeMap<Double, Double> mass = levels(pi, reward);
        double[] logProb = new double[reward.length];
        for (int i = 0; i < reward.length; i++) {
            double level = mass.get(reward[i]), below = below(mass, reward[i]);
            double p = Math.exp(pi.logProb()[i]) / level * (Math.pow(below + level, n) - Math.pow(below, n));
            logProb[i] = Math.log(p);
        }
        return new ExactDistribution(pi.prompt(), pi.responses(), logProb);
    }

    /** log n − (n−1)/n: the KL(π_n ‖ π) of a reward without ties. */
    public static double klFormula(int n) {
        return Math.log(n) - (n - 1.0) / n;
    }

    /** P(r(y) &gt; r(y')) + ½·P(r(y) = r(y')) for y ~ {@code a}, y' ~ {@code b}, independent. */
    public static double winRate(ExactDistribution a, ExactDistribution b, double[] reward) {
        TreeMap<Double, Double> la = levels(a, reward), lb = levels(b, reward);
        double win = 0;
        for (var e : la.entrySet()) win += e.getValue() * (below(lb, e.getKey()) + 0.5 * lb.getOrDefault(e.getKey(), 0.0));
        return win;
    }

    /** π's mass at each reward level, in increasing order of reward. */
    private static TreeMap<Double, Double> levels(ExactDistribution pi, double[] reward) {
        TreeMap<Double, Double> mass = new TreeMap<>();
        for (int i = 0; i < reward.length; i++) mass.merge(reward[i], Math.exp(pi.logProb()[i]), Double::sum);
        return mass;
    }

    /** π(r &lt; level). */
    private static double below(TreeMap<Double, Double> mass, double level) {
        double sum = 0;
        for (double m : mass.headMap(level, false).values()) sum += m;
        return sum;
    }
}
