package anchor.reward;

import anchor.AnchorException;
import anchor.logprobs.LogSoftmax;

/**
 * The reward model's loss for one pair, as TRL's {@code RewardTrainer.compute_loss} (Bradley–Terry; Ouyang et al.
 * 2022, eq. 1), with TRL's optional margin and centering term ({@code center_rewards_coefficient}, Eisenstein et al.
 * 2023):
 * <pre>
 * d = r_c − r_r − margin
 * L = −log σ(d) + c·(r_c + r_r)²
 * ∂L/∂r_c = −σ(−d) + 2c·(r_c + r_r)        ∂L/∂r_r = σ(−d) + 2c·(r_c + r_r)
 * </pre>
 * A pure function of two scores; the batch mean is the caller's (TRL averages both terms over the batch).
 */
public final class BradleyTerry {
    private BradleyTerry() {
    }

    /** The pair's loss and its gradient with respect to each score. */
    public record Result(double loss, double gradChosen, double gradRejected) {
    }

    public static Result of(double chosen, double rejected, double margin, double centerCoefficient) {
        if (!Double.isFinite(chosen) || !Double.isFinite(rejected)) throw new AnchorException("a reward is not finite (" + chosen + ", " + rejected + ")");
        if (!(centerCoefficient >= 0)) throw new AnchorException("--center-rewards-coefficient must be >= 0, got " + centerCoefficient);
        double d = chosen - rejected - margin, sum = chosen + rejected;
        double loss = -LogSoftmax.logSigmoid(d) + centerCoefficient * sum * sum;
        double s = LogSoftmax.sigmoid(-d), center = 2 * centerCoefficient * sum;
        return new Result(loss, -s + center, s + center);
    }
}
