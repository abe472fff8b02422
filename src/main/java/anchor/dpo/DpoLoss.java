package anchor.dpo;

import anchor.AnchorException;
import anchor.logprobs.LogSoftmax;

/**
 * The DPO loss from summed response log-probs (document 3, "The DPO Loss Function"; Rafailov et al. 2023, eq. 7):
 * <pre>
 * h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))        the difference of log-ratios
 * z = β · h
 * sigmoid          L = −log σ(z)                                             (DPO)
 * cdpo(ε)          L = −(1−ε)·log σ(z) − ε·log σ(−z)                         (conservative DPO, label smoothing)
 * ipo              L = (h − 1/(2β))²                                         (Azar et al. 2023, eq. 17)
 * hinge            L = max(0, 1 − z)                                         (SLiC's hinge on the reference-normalised margin: RSO, Liu et al. 2023)
 * reference-free   the sigmoid loss with log π_ref ≡ 0                      (document 2's reference-free baseline)
 * implicit rewards r_w = β·(log π(y_w) − log π_ref(y_w)),  r_l = β·(log π(y_l) − log π_ref(y_l))
 * </pre>
 * Pure functions of four numbers; the plumbing (forward passes, masks, batches) lives elsewhere. log σ is computed
 * stably: log σ(x) = −(max(−x, 0) + log1p(e^{−|x|})).
 */
public final class DpoLoss {
    private DpoLoss() {
    }

    public enum Variant {
        SIGMOID, CDPO, IPO, HINGE, REFERENCE_FREE;

        public static Variant parse(String s) {
            try {
                return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new AnchorException("unknown DPO loss '" + s + "' (sigmoid, cdpo, ipo, hinge, reference-free)");
            }
        }
    }

    /**
     * @param loss                the loss of this pair
     * @param chosenReward        β·(log π(y_w) − log π_ref(y_w))
     * @param rejectedReward      β·(log π(y_l) − log π_ref(y_l))
     * @param gradPolicyChosen    ∂L/∂log π(y_w): every response token of y_w gets this weight
     * @param gradPolicyRejected  ∂L/∂log π(y_l)
     */
    public record Result(double loss, double chosenReward, double rejectedReward, double gradPolicyChosen, double gradPolicyRejected) {
        public double margin() {
            return chosenReward - rejectedReward;
        }
    }

    /** The sigmoid DPO loss (the paper's), as {@code dpoLoss(chosen, rejected, refChosen, refRejected, β)}. */
    public static Result dpoLoss(double policyChosen, double policyRejected, double refChosen, double refRejected, double beta) {
        return of(Variant.SIGMOID, policyChosen, policyRejected, refChosen, refRejected, beta, 0);
    }

    public static Result of(Variant v, double policyChosen, double policyRejected, double refChosen, double refRejected,
                            double beta, double labelSmoothing) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new AnchorException("beta must be a finite number > 0, got " + beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) throw new AnchorException("label smoothing must be in [0, 0.5), got " + labelSmoothing);
        for (double x : new double[]{policyChosen, policyRejected, refChosen, refRejected}) {
            if (!Double.isFinite(x)) throw new AnchorException("a sequence log-prob is not finite (" + x + ")");
        }
        if (v == Variant.REFERENCE_FREE) {
            refChosen = 0;
            refRejected = 0;
        }
        double chosenRatio = policyChosen - refChosen, rejectedRatio = policyRejected - refRejected;
        double h = logRatioMargin(policyChosen, policyRejected, refChosen, refRejected), z = beta * h;
        double loss, dLdh;
        switch (v) {
            case SIGMOID, REFERENCE_FREE -> {
                loss = -LogSoftmax.logSigmoid(z);
                dLdh = -beta * LogSoftmax.sigmoid(-z);
            }
            case CDPO -> {
                loss = -(1 - labelSmoothing) * LogSoftmax.logSigmoid(z) - labelSmoothing * LogSoftmax.logSigmoid(-z);
                dLdh = beta * (-(1 - labelSmoothing) * LogSoftmax.sigmoid(-z) + labelSmoothing * LogSoftmax.sigmoid(z));
            }
            case IPO -> {
                double d = h - 1 / (2 * beta);
                loss = d * d;
                dLdh = 2 * d;
            }
            case HINGE -> {
                loss = Math.max(0, 1 - z);
                dLdh = z < 1 ? -beta : 0;
            }
            default -> throw new IllegalStateException(v.name());
        }
        return new Result(loss, beta * chosenRatio, beta * rejectedRatio, dLdh, -dLdh);
    }

    /** h = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)): the difference of log-ratios, in nats. */
    public static double logRatioMargin(double policyChosen, double policyRejected, double refChosen, double refRejected) {
        return (policyChosen - refChosen) - (policyRejected - refRejected);
    }
}
