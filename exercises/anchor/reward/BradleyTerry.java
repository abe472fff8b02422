package anchor.reward;

import anchor.AnchorException;
import anchor.logprobs.LogSoftmax;

/**
 * EXERCISE 6.5 — the reward model's Bradley–Terry loss for one pair, with a margin and a centering term (as TRL's
 * {@code RewardTrainer.compute_loss}). Reading: chapters/06-ppo.md, "The reward model". Tests:
 * {@code BradleyTerryExerciseTest}, and {@code RewardTest} trains a reward model with it.
 */
public final class BradleyTerry {
    private BradleyTerry() {
    }

    /** The pair's loss and its gradient with respect to each score. */
    public record Result(double loss, double gradChosen, double gradRejected) {
    }

    /**
     * Contract: the loss −log σ(r_c − r_r − margin) + c·(r_c + r_r)² and its two partial derivatives, written so
     * that no score pair gives an infinite or NaN loss (a stable log-sigmoid exists: {@code LogSoftmax.logSigmoid},
     * and {@code LogSoftmax.sigmoid}). A reward that is not finite, or c &lt; 0 (or NaN) → AnchorException.
     * The margin asks the chosen score to beat the rejected one by at least that much.
     */
    public static Result of(double chosen, double rejected, double margin, double centerCoefficient) {
        throw new UnsupportedOperationException("Exercise 6.5: implement BradleyTerry.of");
    }
}
