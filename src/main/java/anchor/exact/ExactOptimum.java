package anchor.exact;

/**
 * The policy that maximises J(π) = E_π[r] − β·KL(π ‖ π_ref), exactly (chapter 4's derivation, document 3's starting
 * point):
 * <pre>
 * π*(y) = π_ref(y)·exp(r(y)/β) / Z,   Z = Σ_y π_ref(y)·exp(r(y)/β)
 * J(π)  = β·log Z − β·KL(π ‖ π*)      for every π, so J(π*) = β·log Z is the maximum
 * </pre>
 * The second line is why a KL to π* measures how far a trained policy is from the optimum, in J's own units.
 *
 * @param distribution π* over the reference's responses
 * @param logZ         log Z, summed in float64 with the largest term factored out
 */
public record ExactOptimum(ExactDistribution distribution, double logZ, double beta) {
    public static ExactOptimum of(ExactDistribution reference, double[] reward, double beta) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new anchor.AnchorException("β must be a finite number > 0 (at β = 0 the optimum is the best response alone), got " + beta);
        double[] a = new double[reward.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            a[i] = reference.logProb()[i] + reward[i] / beta;                      // log(π_ref(y)·exp(r(y)/β))
            max = Math.max(max, a[i]);
        }
        double z = 0;
        for (double v : a) z += Math.exp(v - max);
        double logZ = max + Math.log(z);
        double[] logStar = new double[a.length];
        for (int i = 0; i < a.length; i++) logStar[i] = a[i] - logZ;
        return new ExactOptimum(new ExactDistribution(reference.prompt(), reference.responses(), logStar), logZ, beta);
    }

    /** J(π*) = β·log Z: no policy does better. */
    public double maximum() {
        return beta * logZ;
    }
}
