package anchor.ppo;

import anchor.AnchorException;
import anchor.kl.KlEstimators;

/**
 * EXERCISE 6.4 — the critic-free baselines: RLOO's leave-one-out and GRPO's group standardisation, the clipped term
 * and GRPO's k3 penalty (chapters/06-ppo.md, "Without a value model: GRPO and RLOO"). Responses come in groups of
 * {@code g} consecutive rows: row i belongs to group i / g. Tests: {@code GroupMathExerciseTest}.
 */
public final class GroupMath {
    private GroupMath() {
    }

    /**
     * Contract: for each group, A_i = R_i − (sum of the other g − 1 rewards of its group) / (g − 1). Refuse (with an
     * {@link AnchorException}) a length that is not a multiple of g, and g &lt; 2.
     */
    public static double[] leaveOneOut(double[] rewards, int g) {
        throw new UnsupportedOperationException("exercise 6.4: implement GroupMath.leaveOneOut");
    }

    /**
     * Contract: for each group, A_i = (s_i − mean) / (std + 1e−4), std the sample standard deviation (divide by g − 1),
     * as TRL's GRPOTrainer. Refuse a length that is not a multiple of g, and g &lt; 2.
     */
    public static double[] groupNormalized(double[] scores, int g) {
        throw new UnsupportedOperationException("exercise 6.4: implement GroupMath.groupNormalized");
    }

    /** One clipped term, its derivative in log ρ, and whether the clipped branch was taken. */
    public record Clipped(double loss, double gradLogRatio, boolean clipped) {
    }

    /**
     * Contract: with ρ = exp(logRatio), loss = max(−A·ρ, −A·clip(ρ, 1 − ε, 1 + ε)) (the negated pessimistic surrogate).
     * When −A·ρ is the larger, the gradient ∂loss/∂log ρ is −A·ρ and {@code clipped} is false; otherwise the clipped
     * branch is a constant: gradient 0, {@code clipped} true.
     */
    public static Clipped clipped(double logRatio, double advantage, double epsilon) {
        throw new UnsupportedOperationException("exercise 6.4: implement GroupMath.clipped");
    }

    /** GRPO's per-token penalty and its derivative in log π. */
    public record K3(double value, double gradLogProb) {
    }

    /**
     * Contract: with d = refLogp − logp, value = e^d − d − 1, which is KlEstimators.k3 at l = logp − refLogp (exercise
     * 2.4: call it), and gradLogProb = ∂value/∂logp. Compute e^d − 1 without losing precision for small d.
     */
    public static K3 k3(double logp, double refLogp) {
        throw new UnsupportedOperationException("exercise 6.4: implement GroupMath.k3");
    }
}
