package anchor.ppo;

import anchor.Seeds;
import anchor.data.PromptResponse;
import anchor.gpt2.Generator;
import anchor.gpt2.TokenBatch;
import anchor.stats.Estimate;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code eval/*} metrics of a PPO, GRPO or RLOO policy on held-out prompts: what {@link anchor.train.EvaluatedTrainer}
 * runs every {@code evalEvery} updates (before the update) and after the last one, so the trainers carry no
 * evaluation prompts. Chapter 6, "Evaluation during a run".
 */
public final class HeldOutEvaluation {
    private HeldOutEvaluation() {
    }

    /**
     * One sample per evaluation prompt from the current policy (at the rollout temperature, the same seed at every
     * evaluation, so successive values differ by the policy, not by the draw): {@code eval/gold} and
     * {@code eval/well_formed} (the judge's means), {@code eval/score} (the reward model's normalised score: the proxy
     * the policy is trained on, no missing-EOS penalty), {@code eval/kl} (k1 summed over the sampled tokens, per sequence),
     * {@code eval/distinct_2} (distinct token bigrams over all samples / all bigrams: mode collapse) and
     * {@code eval/length} (mean tokens, EOS included); each mean with its standard error ({@code _se}) over the prompts.
     */
    public static Map<String, Object> of(PpoModels m, List<int[]> prompts, PpoSettings s, Judge judge) {
        int[][] pr = prompts.toArray(int[][]::new);
        int[][] resp = Generator.generate(m.policy(), pr, new Generator.Settings(s.responseLength(), s.temperature(), 0, 1.0, Seeds.perStep(s.seed(), 424_242), true));
        int n = pr.length;
        double[] gold = new double[n], ok = new double[n], kl = new double[n], length = new double[n], score = new double[n];
        Set<Long> bigrams = new HashSet<>();
        long allBigrams = 0;
        for (int from = 0; from < n; from += 16) {
            int to = Math.min(n, from + 16);
            int[][] seqs = new int[to - from][];
            int[][] y = new int[to - from][];
            for (int b = from; b < to; b++) {
                y[b - from] = RolloutScores.truncateAfterEos(resp[b], m.policy().config().eotId());
                seqs[b - from] = PromptResponse.ids(pr[b], y[b - from], PromptResponse.NO_END);
            }
            TokenBatch tb = TokenBatch.bucketed(seqs, false, m.policy().config().nPositions());
            int[] first = new int[to - from];
            for (int b = from; b < to; b++) first[b - from] = pr[b].length - 1;
            int[][] responses = tb.targetsFrom(first);
            double[][] lp = m.policy().tokenLogProbs(tb, s.temperature(), responses), ref = m.reference().tokenLogProbs(tb, s.temperature(), responses);
            double[] raw = anchor.reward.RewardModel.lastTokenScores(m.reward(), tb);
            for (int b = from; b < to; b++) {
                int[] r = y[b - from];
                int P = pr[b].length;
                for (int t = 0; t < r.length; t++) kl[b] += lp[b - from][P - 1 + t] - ref[b - from][P - 1 + t];
                for (int t = 0; t + 1 < r.length; t++) bigrams.add((long) r[t] << 32 | r[t + 1]);
                allBigrams += Math.max(0, r.length - 1);
                length[b] = r.length;
                score[b] = m.normalization().apply(raw[b - from]);
                if (judge != null) {
                    gold[b] = judge.gold(r);
                    ok[b] = judge.wellFormed(r) ? 1 : 0;
                }
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        if (judge != null) {
            meanAndSe(row, "eval/gold", gold);
            meanAndSe(row, "eval/well_formed", ok);
        }
        meanAndSe(row, "eval/score", score);
        meanAndSe(row, "eval/kl", kl);
        row.put("eval/distinct_2", allBigrams == 0 ? 0.0 : (double) bigrams.size() / allBigrams);
        meanAndSe(row, "eval/length", length);
        return row;
    }

    /** {@code name}: the mean over the evaluation prompts; {@code name_se}: its standard error, sd / √n (0 for one prompt). */
    private static void meanAndSe(Map<String, Object> row, String name, double[] v) {
        Estimate e = Estimate.of(v);
        row.put(name, e.mean());
        row.put(name + "_se", e.seOrZero());
    }
}
