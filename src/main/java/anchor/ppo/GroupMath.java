package anchor.ppo;

import anchor.AnchorException;
import anchor.kl.KlEstimators;

/**
 * The two critic-free estimators as pure functions: G responses to each prompt stand in for the value model's
 * baseline. Responses come in groups of {@code g} consecutive rows (row i belongs to group i / g).
 * <pre>
 * RLOO  (Ahmadian et al. 2024; TRL's RLOOTrainer)
 *   R_i   = score_i − β·Σ_t kl_t                         the KL inside the reward, per sequence
 *   A_i   = R_i − (Σ_{j≠i in the group} R_j) / (g − 1)   the leave-one-out baseline
 *   ρ_i   = exp(Σ_t log π(y_t) − Σ_t log π_old(y_t))     one ratio per sequence
 *   L     = mean_i max(−A_i·ρ_i, −A_i·clip(ρ_i, 1 ± ε))
 * GRPO  (Shao et al. 2024, DeepSeekMath §4.1; TRL's GRPOTrainer, loss_type "grpo")
 *   A_i   = (score_i − mean_group) / (std_group + 1e−4)  std with n − 1; no KL in the reward
 *   ρ_it  = exp(log π(y_t) − log π_old(y_t))             one ratio per token
 *   k3_t  = exp(log π_ref − log π) − (log π_ref − log π) − 1
 *   L     = mean_i (1/|y_i|) Σ_t [ max(−A_i·ρ_it, −A_i·clip(ρ_it, 1 ± ε)) + β·k3_t ]
 * </pre>
 * Each loss comes with its gradient with respect to every token's new log-prob, as {@link PpoMath}'s do.
 */
public final class GroupMath {
    private GroupMath() {
    }

    /** RLOO's per-sequence advantages from the per-sequence rewards R (score − β·Σ kl). */
    public static double[] leaveOneOut(double[] rewards, int g) {
        checkGroups(rewards.length, g);
        if (g < 2) throw new AnchorException("RLOO needs at least 2 responses per prompt, got " + g);
        double[] a = new double[rewards.length];
        for (int from = 0; from < rewards.length; from += g) {
            double sum = 0;
            for (int i = from; i < from + g; i++) sum += rewards[i];
            for (int i = from; i < from + g; i++) a[i] = rewards[i] - (sum - rewards[i]) / (g - 1);
        }
        return a;
    }

    /** GRPO's per-sequence advantages: scores standardised within each group (sample std, + 1e−4 as TRL). */
    public static double[] groupNormalized(double[] scores, int g) {
        checkGroups(scores.length, g);
        if (g < 2) throw new AnchorException("GRPO needs at least 2 responses per prompt, got " + g);
        double[] a = new double[scores.length];
        for (int from = 0; from < scores.length; from += g) {
            double mean = 0, ss = 0;
            for (int i = from; i < from + g; i++) mean += scores[i] / g;
            for (int i = from; i < from + g; i++) ss += (scores[i] - mean) * (scores[i] - mean);
            double std = Math.sqrt(ss / (g - 1));
            for (int i = from; i < from + g; i++) a[i] = (scores[i] - mean) / (std + 1e-4);
        }
        return a;
    }

    /** One clipped term −min(ρ·A, clip(ρ)·A) = max(−ρ·A, −clip(ρ)·A), its derivative in log ρ, and whether the clip was active. */
    public record Clipped(double loss, double gradLogRatio, boolean clipped) {
    }

    public static Clipped clipped(double logRatio, double advantage, double epsilon) {
        double rho = Math.exp(logRatio), clip = Math.max(1 - epsilon, Math.min(1 + epsilon, rho));
        double unclipped = -advantage * rho, bounded = -advantage * clip;
        if (unclipped >= bounded) return new Clipped(unclipped, -advantage * rho, false);   // ∂(−A·ρ)/∂log ρ = −A·ρ
        return new Clipped(bounded, 0, true);                                              // the clipped branch is constant
    }

    /** GRPO's per-token KL term k3 = e^{ref − logp} − (ref − logp) − 1 and its derivative in logp, 1 − e^{ref − logp}. */
    public record K3(double value, double gradLogProb) {
    }

    public static K3 k3(double logp, double refLogp) {
        double d = refLogp - logp;
        return new K3(KlEstimators.k3(logp - refLogp), -Math.expm1(d));   // value: exercise 2.4's k3; ∂/∂logp (e^d − d − 1) = 1 − e^d
    }

    private static void checkGroups(int n, int g) {
        if (g < 1 || n % g != 0) throw new AnchorException(n + " responses do not split into groups of " + g);
    }
}
