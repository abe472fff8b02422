package anchor.dpo;

import anchor.AnchorException;
import anchor.logprobs.LogSoftmax;

/**
 * ORPO (Hong et al. 2024, arXiv 2403.07691; TRL derives its form from the paper's eqs. 4 and 7): supervised
 * fine-tuning on y_w plus an odds-ratio preference term, no reference, on length-normalised log-probs
 * m = log π(y) / |y| (so p = e^m is a per-token geometric mean, below 1):
 * <pre>
 * log odds(y) = m − log(1 − e^m)                      ∂/∂m = 1 / (1 − e^m)
 * o = log odds(y_w) − log odds(y_l)
 * L = −m_w − λ·log σ(o)                                the NLL of y_w's response tokens, then the odds-ratio term
 * ∂L/∂m_w = −1 − λ·σ(−o) / (1 − e^{m_w}),   ∂L/∂m_l = λ·σ(−o) / (1 − e^{m_l})
 * </pre>
 * TRL's names: {@code ORPOTrainer} with {@code beta} = λ (0.1). One difference from TRL (v0.12.0's
 * {@code trl/trainer/orpo_trainer.py} and v1.9.0's {@code trl/experimental/orpo/}): TRL's NLL takes its labels from
 * the concatenated input ids wherever the attention mask is 1, so a decoder-only model's prompt tokens count in it;
 * here, as in the paper's L_SFT, only the response's do.
 */
public final class OrpoLoss {
    private OrpoLoss() {
    }

    /** The loss of one pair, its odds-ratio term, and the gradient with respect to each response's mean token log-prob. */
    public record Result(double loss, double logOddsRatio, double nll, double gradMeanChosen, double gradMeanRejected) {
    }

    public static Result of(double meanLogpChosen, double meanLogpRejected, double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) throw new AnchorException("lambda (TRL's beta) must be a finite number >= 0, got " + lambda);
        for (double m : new double[]{meanLogpChosen, meanLogpRejected}) {
            if (!(m < 0) || Double.isInfinite(m)) throw new AnchorException("a mean token log-prob must be finite and below 0 (its odds need p < 1), got " + m);
        }
        double o = logOdds(meanLogpChosen) - logOdds(meanLogpRejected);
        double s = lambda * LogSoftmax.sigmoid(-o);
        double loss = -meanLogpChosen - lambda * LogSoftmax.logSigmoid(o);
        return new Result(loss, o, -meanLogpChosen, -1 - s / -Math.expm1(meanLogpChosen), s / -Math.expm1(meanLogpRejected));
    }

    /** log(p / (1 − p)) for p = e^m, computed as m − log(−expm1(m)) so that it stays accurate near p = 1. */
    static double logOdds(double m) {
        return m - Math.log(-Math.expm1(m));
    }
}
