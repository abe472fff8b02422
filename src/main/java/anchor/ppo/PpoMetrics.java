package anchor.ppo;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a PPO update under TRL's names ({@code objective/*}, {@code loss/*}, {@code policy/*}, {@code val/*}),
 * plus {@code objective/kl_coef} and {@code val/var_explained} ({@code objective/gold}, the judged rollouts, is
 * {@link JudgedRollouts}'; {@code eval/*}, on held-out prompts, {@link HeldOutEvaluation}'s). KL is per sequence: the sum over a response's tokens.
 */
final class PpoMetrics {
    private PpoMetrics() {
    }

    /** The rollouts' objective metrics (TRL's objective/*, val/num_eos_tokens, val/var_explained). */
    static Map<String, Object> objective(RolloutBatch batch, double beta, int eot) {
        Map<String, Object> row = rollouts(batch.rows(), beta, eot);
        double sr = 0, sr2 = 0, sd = 0, sd2 = 0;
        int tokens = 0;
        for (int b = 0; b < batch.rows().length; b++) {
            RolloutScores.Scored e = batch.rows()[b];
            for (int t = 0; t < e.kl().length; t++) {
                double ret = batch.returns()[b][t], d = ret - e.values()[t];
                sr += ret;
                sr2 += ret * ret;
                sd += d;
                sd2 += d * d;
                tokens++;
            }
        }
        double varRet = sr2 / tokens - (sr / tokens) * (sr / tokens), varDiff = sd2 / tokens - (sd / tokens) * (sd / tokens);
        row.put("val/var_explained", 1 - varDiff / varRet);
        return row;
    }

    /**
     * What every trainer that samples logs about its rollouts: objective/kl (per sequence), objective/entropy,
     * objective/non_score_reward and objective/rlhf_reward (with the KL as a reward), objective/scores,
     * objective/kl_coef and val/num_eos_tokens (objective/gold is {@link JudgedRollouts}').
     */
    static Map<String, Object> rollouts(RolloutScores.Scored[] rows, double beta, int eot) {
        int B = rows.length;
        double kl = 0, entropy = 0, nonScore = 0, score = 0, eos = 0;
        for (RolloutScores.Scored e : rows) {
            for (int t = 0; t < e.kl().length; t++) {
                kl += e.kl()[t] / B;
                entropy -= e.logprobs()[t] / B;
                nonScore -= beta * e.kl()[t] / B;
                if (e.responseIds()[t] == eot) eos++;
            }
            score += e.score() / B;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("objective/kl", kl);
        row.put("objective/entropy", entropy);
        row.put("objective/non_score_reward", nonScore);
        row.put("objective/rlhf_reward", nonScore + score);
        row.put("objective/scores", score);
        row.put("objective/kl_coef", beta);
        row.put("val/num_eos_tokens", (int) eos);
        return row;
    }



    /** One minibatch's losses and rates, each a mean over its response tokens, summed as its tokens are seen. */
    static final class MinibatchLoss {
        double policy;          // the clipped surrogate (PpoMath.policyLoss)
        double value;           // the clipped value loss (PpoMath.valueLoss), before vfCoef
        double policyClipped;   // fraction of tokens whose policy term is the clipped one
        double valueClipped;    // fraction of tokens whose value term is the clipped one
        double ratio;           // mean ρ = π/π_old
        double approxKl;        // mean ½(log π − log π_old)²

        boolean finite() {
            return Double.isFinite(policy + value);
        }
    }

    /** Minibatch statistics, averaged over the update under TRL's names (val/ratio_var: the variance of the minibatch mean ratios). */
    static final class Stats {
        private final List<MinibatchLoss> rows = new ArrayList<>();

        void add(MinibatchLoss m) {
            rows.add(m);
        }

        Map<String, Object> metrics() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("loss/policy_avg", mean(m -> m.policy));
            out.put("loss/value_avg", mean(m -> m.value));
            out.put("policy/clipfrac_avg", mean(m -> m.policyClipped));
            out.put("val/clipfrac_avg", mean(m -> m.valueClipped));
            double ratio = mean(m -> m.ratio), var = 0;
            out.put("val/ratio", ratio);
            out.put("policy/approxkl_avg", mean(m -> m.approxKl));
            for (MinibatchLoss m : rows) var += (m.ratio - ratio) * (m.ratio - ratio) / Math.max(1, rows.size() - 1);
            out.put("val/ratio_var", var);
            return out;
        }

        private double mean(java.util.function.ToDoubleFunction<MinibatchLoss> f) {
            double mean = 0;
            for (MinibatchLoss m : rows) mean += f.applyAsDouble(m) / rows.size();
            return mean;
        }
    }
}
