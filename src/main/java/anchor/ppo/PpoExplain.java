package anchor.ppo;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlEstimators;
import anchor.logprobs.TokenLogProbs;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Steps 2–4 of one PPO update for one given response, every per-token quantity laid out (what {@code anchor
 * ppo-explain} prints). The response is used as given, cut after its first {@code <|endoftext|>}; token t of it:
 * <pre>
 * logprobs[t]     log π(y_t | x, y_&lt;t) from logits / T          ref_logprobs[t]: the same under π_ref
 * kl[t]           k1 = logprobs − ref_logprobs, or k3 = e^(ref − log) − 1 − (ref − log)   (document 1, "Per-Token KL")
 * score           the reward model's r(x, y), read at the last token, normalised; − missing-EOS penalty if y has no EOS
 * rewards[t]      −β·kl[t], the score added on the last response token
 * values[t]       the value model's V at the position that predicts y_t
 * advantages[t]   GAE(γ, λ) before whitening;  returns[t] = advantages[t] + values[t]
 * </pre>
 * One deliberate difference from TRL: TRL divides logits by T + 1e-7 (a guard against T = 0); here by T, which must
 * be &gt; 0. TRL also places the score one slot after the last token when its pad token is the EOS (TRL issues #1893,
 * #3750); here it is on the last response token, the EOS itself.
 */
public final class PpoExplain {
    private PpoExplain() {
    }

    /** TRL's {@code PPOConfig} defaults: β 0.05, k1, γ 1, λ 0.95, T 0.7, no missing-EOS penalty (NaN). */
    public record Settings(double klCoef, KlEstimators.Estimator estimator, double gamma, double lam, double temperature, double missingEosPenalty) {
        public static final Settings DEFAULTS = new Settings(0.05, KlEstimators.Estimator.K1, 1.0, 0.95, 0.7, Double.NaN);

        public Settings {
            if (!(klCoef >= 0) || Double.isInfinite(klCoef)) throw new AnchorException("--kl-coef must be a finite number >= 0, got " + klCoef);
            if (estimator == KlEstimators.Estimator.K2) throw new AnchorException("--kl-estimator must be k1 or k3 (as TRL's)");
            if (!(gamma >= 0 && gamma <= 1)) throw new AnchorException("--gamma must be in [0, 1], got " + gamma);
            if (!(lam >= 0 && lam <= 1)) throw new AnchorException("--lam must be in [0, 1], got " + lam);
            if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("--temperature must be a finite number > 0, got " + temperature);
            if (!Double.isNaN(missingEosPenalty) && !(missingEosPenalty >= 0 && Double.isFinite(missingEosPenalty))) {
                throw new AnchorException("--missing-eos-penalty must be a finite number >= 0, got " + missingEosPenalty);
            }
        }
    }

    public record Explained(int[] responseIds, double[] logprobs, double[] refLogprobs, double[] kl, double score, double[] rewards,
                            double[] values, double[] advantages, double[] returns) {
    }

    public static Explained of(Gpt2Model policy, Gpt2Model reference, Gpt2Model rewardModel, RewardModel.Normalization normalization,
                               Gpt2Model valueModel, int[] prompt, int[] response, Settings s) {
        if (prompt.length == 0) throw new AnchorException("empty prompt: the first response token needs context");
        int[] y = truncateAfterEos(response);
        if (y.length == 0) throw new AnchorException("empty response");
        int P = prompt.length, n = y.length;
        int[] seq = Arrays.copyOf(prompt, P + n);
        System.arraycopy(y, 0, seq, P, n);
        TokenBatch batch = TokenBatch.bucketed(new int[][]{seq}, false, policy.config().nPositions()); // right-padded: a few shapes, not one per length
        double[] logp = responseLogProbs(policy, batch, P, n, s.temperature());
        double[] ref = responseLogProbs(reference, batch, P, n, s.temperature());
        double[] kl = new double[n];
        for (int t = 0; t < n; t++) kl[t] = s.estimator().of(logp[t] - ref[t]);
        double score = normalization.apply(RewardModel.lastTokenScores(rewardModel, batch)[0]);
        boolean ended = y[n - 1] == Gpt2Tokenizer.EOT_ID;
        if (!ended && !Double.isNaN(s.missingEosPenalty())) score -= s.missingEosPenalty();
        double[] rewards = PpoMath.shapedRewards(kl, s.klCoef(), score, n - 1);
        double[] v = Arrays.copyOfRange(valueModel.scores(batch)[0], P - 1, P - 1 + n);   // V at the position predicting y_t
        double[] adv = PpoMath.gae(rewards, v, s.gamma(), s.lam());
        return new Explained(y, logp, ref, kl, score, rewards, v, adv, PpoMath.returns(adv, v));
    }

    /** The response up to and including its first {@code <|endoftext|>} (TRL's truncation at the stop token). */
    public static int[] truncateAfterEos(int[] response) {
        for (int t = 0; t < response.length; t++) if (response[t] == Gpt2Tokenizer.EOT_ID) return Arrays.copyOf(response, t + 1);
        return response;
    }

    /** log softmax(logits / T) of each response token, from one forward of prompt + response. */
    static double[] responseLogProbs(Gpt2Model m, TokenBatch batch, int P, int n, double temperature) {
        INDArray logits = m.logits(batch);                                                     // (1, L, V)
        double[] all = TokenLogProbs.gather(temperature == 1 ? logits : logits.div(temperature), batch)[0]; // (T−1)
        return Arrays.copyOfRange(all, P - 1, P - 1 + n);
    }
}
