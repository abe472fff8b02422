package anchor.kl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Where an estimator sits decides which gradient it gives (chapter 6, "k1 in the reward, k3 in the loss"). Exact sums
 * over a five-outcome softmax π_θ, samples from π itself, every derivative by central differences in float64:
 * <ul>
 *   <li>k1 as a reward (a number, differentiated only through log π of the sampled token, as PPO's returns are):
 *       E_π[k1 · ∇log π] = ∇ KL(π‖π_ref) — the forward KL that the RLHF objective penalises;</li>
 *   <li>k3 in the loss (differentiated itself, as GRPO does): E_π[∇k3] = ∇ KL(π_ref‖π) — the reverse KL;</li>
 *   <li>k3 as a reward: E_π[k3 · ∇log π] is the gradient of neither.</li>
 * </ul>
 */
class KlGradientTest {
    static final double[] THETA = {0.3, -1.2, 0.8, 0.0, -0.4}, REF_LOGITS = {0.9, -0.3, -0.5, 0.4, 0.1};
    static final double H = 1e-6;

    @Test
    void k1AsARewardIsTheForwardKlsGradientAndK3InTheLossTheReverseKls() {
        double[] lr = KlEstimators.logSoftmax(REF_LOGITS);
        for (int i = 0; i < THETA.length; i++) {
            double forward = (forwardKl(shift(THETA, i, H)) - forwardKl(shift(THETA, i, -H))) / (2 * H);
            double reverse = (reverseKl(shift(THETA, i, H)) - reverseKl(shift(THETA, i, -H))) / (2 * H);
            double[] lp = KlEstimators.logSoftmax(THETA);
            double k1Reward = 0, k3Reward = 0, k3Loss = 0;
            for (int y = 0; y < THETA.length; y++) {
                double p = Math.exp(lp[y]);
                double dLogP = (KlEstimators.logSoftmax(shift(THETA, i, H))[y] - KlEstimators.logSoftmax(shift(THETA, i, -H))[y]) / (2 * H);
                k1Reward += p * KlEstimators.Estimator.K1.of(lp[y] - lr[y]) * dLogP;
                k3Reward += p * KlEstimators.Estimator.K3.of(lp[y] - lr[y]) * dLogP;
                double k3Plus = KlEstimators.Estimator.K3.of(KlEstimators.logSoftmax(shift(THETA, i, H))[y] - lr[y]);
                double k3Minus = KlEstimators.Estimator.K3.of(KlEstimators.logSoftmax(shift(THETA, i, -H))[y] - lr[y]);
                k3Loss += p * (k3Plus - k3Minus) / (2 * H);             // the sampling weights π_old(y) held fixed
            }
            assertThat(k1Reward).as("θ_%d: k1 as a reward → ∇KL(π‖π_ref) = %.6f", i, forward).isCloseTo(forward, within(1e-7));
            assertThat(k3Loss).as("θ_%d: k3 in the loss → ∇KL(π_ref‖π) = %.6f", i, reverse).isCloseTo(reverse, within(1e-7));
            assertThat(Math.abs(k3Reward - forward)).as("θ_%d: k3 as a reward is not the forward KL's gradient", i).isGreaterThan(1e-3);
            assertThat(Math.abs(k3Reward - reverse)).as("θ_%d: nor the reverse KL's", i).isGreaterThan(1e-3);
        }
    }

    static double forwardKl(double[] theta) {
        return KlEstimators.exact(theta, REF_LOGITS);
    }

    static double reverseKl(double[] theta) {
        return KlEstimators.exact(REF_LOGITS, theta);
    }

    static double[] shift(double[] v, int i, double by) {
        double[] out = v.clone();
        out[i] += by;
        return out;
    }
}
