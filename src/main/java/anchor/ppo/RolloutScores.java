package anchor.ppo;

import anchor.AnchorException;
import anchor.data.PromptResponse;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlEstimators;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
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
public final class RolloutScores {
    private RolloutScores() {
    }

    /** TRL's {@code PPOConfig} defaults: β 0.05, k1, γ 1, λ 0.95, T 0.7, no missing-EOS penalty (NaN). */
    public record Settings(double klCoef, KlEstimators.Estimator estimator, double gamma, double lam, double temperature, double missingEosPenalty) {
        public static final Settings DEFAULTS = new Settings(0.05, KlEstimators.Estimator.K1, 1.0, 0.95, 0.7, Double.NaN);

        public Settings {
            if (!(klCoef >= 0) || Double.isInfinite(klCoef)) throw new AnchorException("--kl-coef must be a finite number >= 0, got " + klCoef);
            if (estimator == KlEstimators.Estimator.K2) throw new AnchorException("--kl-estimator must be k1 or k3 (as TRL's)");
            check(gamma, lam, temperature, missingEosPenalty);
        }

        /** The checks of the settings a whole run ({@link PpoSettings}) shares with these. */
        static void check(double gamma, double lam, double temperature, double missingEosPenalty) {
            if (!(gamma >= 0 && gamma <= 1)) throw new AnchorException("--gamma must be in [0, 1], got " + gamma);
            if (!(lam >= 0 && lam <= 1)) throw new AnchorException("--lam must be in [0, 1], got " + lam);
            if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("--temperature must be a finite number > 0, got " + temperature);
            if (!Double.isNaN(missingEosPenalty) && !(missingEosPenalty >= 0 && Double.isFinite(missingEosPenalty))) {
                throw new AnchorException("--missing-eos-penalty must be a finite number >= 0, got " + missingEosPenalty);
            }
        }
    }

    public record Scored(int[] responseIds, double[] logprobs, double[] refLogprobs, double[] kl, double score, double[] rewards,
                            double[] values, double[] advantages, double[] returns) {
    }

    public static Scored of(PpoModels m, int[] prompt, int[] response, Settings s) {
        return batch(m, new int[][]{prompt}, new int[][]{response}, s, Double.NaN)[0];
    }

    /**
     * Steps 2–4 for a batch of responses, one forward pass of each model over all rows (right-padded, bucketed
     * lengths). With {@code heldKl} a number, the reference is not run: every token's KL is that value (document 1's
     * periodic KL, option 3) and {@code refLogprobs} are NaN.
     */
    public static Scored[] batch(PpoModels m, int[][] prompts, int[][] responses, Settings s, double heldKl) {
        int B = prompts.length;
        int[][] y = new int[B][], seqs = new int[B][];
        int eot = m.policy().config().eotId();
        for (int b = 0; b < B; b++) {
            if (prompts[b].length == 0) throw new AnchorException("empty prompt: the first response token needs context");
            y[b] = truncateAfterEos(responses[b], eot);
            if (y[b].length == 0) throw new AnchorException("empty response");
            seqs[b] = PromptResponse.ids(prompts[b], y[b], PromptResponse.NO_END);
        }
        TokenBatch batch = TokenBatch.bucketed(seqs, false, m.policy().config().nPositions()); // right-padded: a few shapes, not one per length
        int[] first = new int[B];
        for (int b = 0; b < B; b++) first[b] = prompts[b].length - 1;
        int[][] targets = batch.targetsFrom(first);                                           // (B, L−1): the response's targets
        double[][] logp = m.policy().tokenLogProbs(batch, s.temperature(), targets);        // (B, L−1)
        double[][] ref = Double.isNaN(heldKl) ? m.reference().tokenLogProbs(batch, s.temperature(), targets) : null; // (B, L−1)
        double[] raw = RewardModel.lastTokenScores(m.reward(), batch);                        // (B)
        double[][] values = m.hasCritic() ? m.critic().scores(batch) : new double[B][batch.length()];    // (B, L); critic-free: none
        Scored[] out = new Scored[B];
        for (int b = 0; b < B; b++) {
            int P = prompts[b].length, n = y[b].length;
            double[] lp = Arrays.copyOfRange(logp[b], P - 1, P - 1 + n), rl = new double[n], kl = new double[n];
            for (int t = 0; t < n; t++) {
                rl[t] = ref == null ? Double.NaN : ref[b][P - 1 + t];
                kl[t] = ref == null ? heldKl : s.estimator().of(lp[t] - rl[t]);
            }
            double score = m.normalization().apply(raw[b]);
            boolean ended = y[b][n - 1] == eot;
            if (!ended && !Double.isNaN(s.missingEosPenalty())) score -= s.missingEosPenalty();
            double[] rewards = PpoMath.shapedRewards(kl, s.klCoef(), score, n - 1);
            double[] v = Arrays.copyOfRange(values[b], P - 1, P - 1 + n);                      // V at the position predicting y_t
            double[] adv = PpoMath.gae(rewards, v, s.gamma(), s.lam());
            out[b] = new Scored(y[b], lp, rl, kl, score, rewards, v, adv, PpoMath.returns(adv, v));
        }
        return out;
    }

    /** The response up to and including its first {@code <|endoftext|>}, id {@code eot} (TRL's truncation at the stop token). */
    public static int[] truncateAfterEos(int[] response, int eot) {
        for (int t = 0; t < response.length; t++) if (response[t] == eot) return Arrays.copyOf(response, t + 1);
        return response;
    }
}
