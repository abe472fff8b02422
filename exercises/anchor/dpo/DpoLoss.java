package anchor.dpo;

import anchor.AnchorException;
import anchor.logprobs.LogSoftmax;

/**
 * EXERCISE 4.1 — the DPO loss and its implicit rewards (document 3, "The DPO Loss Function"), and IPO.
 * Reading: document 3, "The DPO Loss Function"; the contract on {@link #of} below is complete (everything the tests
 * check is written there). Tests: {@code DpoLossExerciseTest} — {@code ./exercise 4.1}.
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

    public record Result(double loss, double chosenReward, double rejectedReward, double gradPolicyChosen, double gradPolicyRejected) {
        public double margin() {
            return chosenReward - rejectedReward;
        }
    }

    public static Result dpoLoss(double policyChosen, double policyRejected, double refChosen, double refRejected, double beta) {
        return of(Variant.SIGMOID, policyChosen, policyRejected, refChosen, refRejected, beta, 0);
    }

    /**
     * Contract, with h = (πc − rc) − (πr − rr) and z = β·h:
     * SIGMOID: L = −log σ(z), computed stably with {@link LogSoftmax#logSigmoid} (never as a log of σ: it must stay
     * finite and accurate for |z| up to 10³); REFERENCE_FREE: SIGMOID with rc = rr = 0, whatever reference log-probs are passed;
     * CDPO: −(1−ε)·log σ(z) − ε·log σ(−z) (ε = labelSmoothing; ε = 0 is SIGMOID); IPO: (h − 1/(2β))²;
     * HINGE: max(0, 1 − z) — on z = β·h, not on h.
     * Rewards: chosenReward = β(πc − rc), rejectedReward = β(πr − rr) (with the reference zeroed for REFERENCE_FREE).
     * Gradients: gradPolicyChosen = ∂L/∂πc, gradPolicyRejected = ∂L/∂πr.
     * β ≤ 0 or not finite, ε outside [0, 0.5), or a non-finite log-prob → {@link AnchorException}.
     */
    public static Result of(Variant v, double policyChosen, double policyRejected, double refChosen, double refRejected,
                            double beta, double labelSmoothing) {
        throw new UnsupportedOperationException("Exercise 4.1: implement DpoLoss.of");
    }

    /** Given: h = (πc − rc) − (πr − rr), the difference of log-ratios. */
    public static double logRatioMargin(double policyChosen, double policyRejected, double refChosen, double refRejected) {
        return (policyChosen - refChosen) - (policyRejected - refRejected);
    }
}
