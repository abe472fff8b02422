package anchor.dpo;

import anchor.AnchorException;
import anchor.logprobs.LogSoftmax;

/**
 * SimPO (Meng et al. 2024, arXiv 2405.14734): DPO without a reference, on length-normalised log-probs and with a target margin,
 * <pre>
 * m_w = log π(y_w) / |y_w|,  m_l = log π(y_l) / |y_l|          mean log-prob per response token
 * z   = β·(m_w − m_l) − γ
 * L   = −log σ(z),   ∂L/∂m_w = −β·σ(−z),   ∂L/∂m_l = +β·σ(−z)
 * </pre>
 * TRL's names: {@code CPOTrainer} with {@code loss_type="simpo"}, {@code beta} (0.1) and {@code simpo_gamma} (0.5;
 * TRL writes the margin as γ/β inside β·(…)); TRL's {@code cpo_alpha} (default 1.0) adds an NLL term, so pure SimPO
 * is {@code cpo_alpha=0} (read at v0.12.0 and v1.9.0, where the trainer lives in {@code trl/experimental/cpo/}). A
 * pure function of two numbers: the trainer spreads ∂L/∂m over a response's tokens as ∂L/∂m / |y|.
 */
public final class SimPoLoss {
    private SimPoLoss() {
    }

    /** The loss of one pair and its gradient with respect to each response's mean token log-prob. */
    public record Result(double loss, double margin, double gradMeanChosen, double gradMeanRejected) {
    }

    public static Result of(double meanLogpChosen, double meanLogpRejected, double beta, double gamma) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new AnchorException("beta must be a finite number > 0, got " + beta);
        if (!Double.isFinite(gamma)) throw new AnchorException("gamma must be a finite number, got " + gamma);
        if (!Double.isFinite(meanLogpChosen) || !Double.isFinite(meanLogpRejected)) throw new AnchorException("a mean log-prob is not finite");
        double z = beta * (meanLogpChosen - meanLogpRejected) - gamma;
        double g = beta * LogSoftmax.sigmoid(-z);
        return new Result(-LogSoftmax.logSigmoid(z), z, -g, g);
    }
}
