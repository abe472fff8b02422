package anchor.ppo;

import anchor.data.PairBatches;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlEstimators;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.AdamW;
import anchor.train.Checkpoint;
import anchor.train.Diverged;
import anchor.train.MetricsLog;
import anchor.train.Optimizer;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * PPO as TRL's {@code PPOTrainer}, one update per run-loop step:
 * <pre>
 * 1. rollout    B prompts, one response each: pure sampling at temperature T, cut after the first EOS
 * 2–4.          per response, {@link PpoExplain}: log-probs, reference log-probs, KL, score, shaped rewards, values,
 *               GAE advantages and returns (rewards optionally whitened over the batch first)
 *               advantages whitened over every response token of the batch
 * 5. epochs     ppoEpochs passes, each over shuffled minibatches: the clipped surrogate + vfCoef · the clipped value
 *               loss, each a mean over the minibatch's response tokens; one global-norm clip over policy and value;
 *               AdamW on both, the learning rate decaying linearly to 0
 * 6. β          the KL controller sees the batch's mean per-sequence KL
 * </pre>
 * Gradients are exact: ∂L/∂log π and ∂L/∂V of each token ({@link PpoMath}) are fed as the graphs' loss weights.
 * Dropout is off in all four models. Metrics under TRL's names, plus {@code objective/kl_coef},
 * {@code objective/gold} (when a true reward is given) and {@code val/var_explained}. Not logged:
 * {@code policy/entropy_avg}, which needs the whole vocabulary's logits at every trained token.
 */
public final class PpoTrainer implements RunLoop.Trainer {
    /** The four models: the policy and value model are trained; the reference and the reward model are frozen. */
    public record Models(Gpt2Model policy, Gpt2Model reference, Gpt2Model reward, RewardModel.Normalization normalization, Gpt2Model value) {
    }

    public static final MetricsLog.Layout METRICS = new MetricsLog.Layout(List.of(),
            List.of(new MetricsLog.Curve("reward.png", "Reward of the rollouts", "reward", "objective/scores", "objective/rlhf_reward", "objective/gold"),
                    new MetricsLog.Curve("kl.png", "KL(π ‖ π_ref) per sequence (summed over tokens)", "nats", "objective/kl"),
                    new MetricsLog.Curve("loss.png", "PPO losses", "loss", "loss/policy_avg", "loss/value_avg")));

    private final Models m;
    private final List<int[]> prompts;
    private final PpoSettings s;
    private final KlController controller;
    private final KlEstimators.Estimator estimator;
    private final ToDoubleFunction<int[]> gold;
    private final AdamW policyOpt, valueOpt;

    /** @param gold the true reward of a response's token ids, where the setting knows it (null: not logged) */
    public PpoTrainer(Models m, List<int[]> prompts, PpoSettings s, KlController controller, KlEstimators.Estimator estimator, ToDoubleFunction<int[]> gold) {
        this.m = m;
        this.prompts = prompts;
        this.s = s;
        this.controller = controller;
        this.estimator = estimator;
        this.gold = gold;
        this.policyOpt = AdamW.standard(s.lr());
        this.valueOpt = AdamW.standard(s.lr());
    }

    /** One batch of rollouts after steps 1–4: the responses, their per-token quantities, whitened advantages. */
    record Batch(int[][] prompts, PpoExplain.Explained[] rows, double[][] advantages, double[][] returns) {
    }

    Batch rollout(int step) {
        int B = s.batch();
        int[] idx = PairBatches.indices(prompts.size(), B, step, s.seed());
        int[][] pr = new int[B][];
        for (int b = 0; b < B; b++) pr[b] = prompts.get(idx[b]);
        int[][] resp = Generator.generate(m.policy(), pr, new Generator.Settings(s.responseLength(), s.temperature(), 0, 1.0, s.seed() * 1_000_003L + step, true));
        PpoExplain.Explained[] rows = new PpoExplain.Explained[B];
        for (int b = 0; b < B; b++) {
            rows[b] = PpoExplain.of(m.policy(), m.reference(), m.reward(), m.normalization(), m.value(), pr[b], resp[b], s.explain(controller.beta(), estimator));
        }
        double[][] adv = new double[B][], ret = new double[B][];
        int[][] mask = new int[B][];
        double[][] rewards = new double[B][];
        for (int b = 0; b < B; b++) {
            mask[b] = new int[rows[b].rewards().length];
            java.util.Arrays.fill(mask[b], 1);
            rewards[b] = rows[b].rewards();
        }
        if (s.whitenRewards()) rewards = PpoMath.whiten(rewards, mask, false);
        for (int b = 0; b < B; b++) {
            adv[b] = s.whitenRewards() ? PpoMath.gae(rewards[b], rows[b].values(), s.gamma(), s.lam()) : rows[b].advantages();
            ret[b] = PpoMath.returns(adv[b], rows[b].values());
        }
        return new Batch(pr, rows, PpoMath.whiten(adv, mask, true), ret);
    }

    @Override
    public Map<String, Object> step(int step) {
        Batch batch = rollout(step);
        double lr = s.lr() * (1 - (double) step / s.steps());
        policyOpt.setLearningRate(lr);
        valueOpt.setLearningRate(lr);
        Stats st = new Stats();
        int size = s.batch() / s.miniBatches();
        for (int epoch = 0; epoch < s.ppoEpochs(); epoch++) {
            List<Integer> order = new ArrayList<>();
            for (int b = 0; b < s.batch(); b++) order.add(b);
            Collections.shuffle(order, new Random((s.seed() * 1_000_003L + step) * 31 + epoch));
            for (int from = 0; from < s.batch(); from += size) minibatch(batch, order.subList(from, from + size), st);
        }
        Map<String, Object> row = objective(batch);
        row.putAll(st.metrics());
        row.put("lr", lr);
        row.put("episode", (long) (step + 1) * s.batch());
        controller.update((Double) row.get("objective/kl"), s.batch());
        return row;
    }

    /** One minibatch update of policy and value from the clipped losses. */
    private void minibatch(Batch batch, List<Integer> rows, Stats st) {
        int R = rows.size();
        int[][] seqs = new int[R][];
        for (int r = 0; r < R; r++) {
            int b = rows.get(r);
            seqs[r] = java.util.Arrays.copyOf(batch.prompts()[b], batch.prompts()[b].length + batch.rows()[b].responseIds().length);
            System.arraycopy(batch.rows()[b].responseIds(), 0, seqs[r], batch.prompts()[b].length, batch.rows()[b].responseIds().length);
        }
        TokenBatch tb = TokenBatch.bucketed(seqs, false, m.policy().config().nPositions());
        double[][] logp = m.policy().tokenLogProbs(tb, s.temperature());                      // (R, T−1)
        double[][] v = m.value().scores(tb);                                                   // (R, T)
        int n = 0;
        for (int b : rows) n += batch.rows()[b].responseIds().length;
        double[][] w = new double[R][tb.length() - 1], sw = new double[R][tb.length()];
        double pg = 0, vf = 0, clip = 0, vclip = 0, ratio = 0, approx = 0;
        for (int r = 0; r < R; r++) {
            int b = rows.get(r), P = batch.prompts()[b].length;
            PpoExplain.Explained e = batch.rows()[b];
            for (int t = 0; t < e.responseIds().length; t++) {
                int pos = P - 1 + t;
                PpoMath.PolicyLoss pl = PpoMath.policyLoss(logp[r][pos], e.logprobs()[t], batch.advantages()[b][t], s.cliprange());
                PpoMath.ValueLoss vl = PpoMath.valueLoss(v[r][pos], e.values()[t], batch.returns()[b][t], s.cliprangeValue());
                w[r][pos] = pl.gradLogProb() / n;
                sw[r][pos] = s.vfCoef() * vl.gradValue() / n;
                double diff = logp[r][pos] - e.logprobs()[t];
                pg += pl.loss() / n;
                vf += vl.loss() / n;
                clip += (pl.clipped() ? 1.0 : 0.0) / n;
                vclip += (vl.clipped() ? 1.0 : 0.0) / n;
                ratio += Math.exp(diff) / n;
                approx += 0.5 * diff * diff / n;
            }
        }
        if (!Double.isFinite(pg + vf)) throw new Diverged("the PPO loss became " + (pg + s.vfCoef() * vf));
        var gp = m.policy().gradients(tb, w, null, null, s.temperature()).byParameter();
        var gv = m.value().gradients(tb, null, sw, null).byParameter();
        double norm = Math.hypot(Optimizer.globalNorm(gp), Optimizer.globalNorm(gv));     // one norm over both, as TRL's one optimizer
        if (!Double.isFinite(norm)) throw new Diverged("the gradient norm became " + norm);
        Optimizer.clipToNorm(gp, norm, s.maxGradNorm());
        Optimizer.clipToNorm(gv, norm, s.maxGradNorm());
        policyOpt.step(m.policy().parameters(), gp);
        valueOpt.step(m.value().parameters(), gv);
        st.add(pg, vf, clip, vclip, ratio, approx);
    }

    /** The rollouts' objective metrics (TRL's objective/*, val/num_eos_tokens, val/var_explained). */
    private Map<String, Object> objective(Batch batch) {
        int B = batch.rows().length;
        double kl = 0, entropy = 0, nonScore = 0, score = 0, goldSum = 0, eos = 0;
        double sr = 0, sr2 = 0, sd = 0, sd2 = 0;
        int tokens = 0;
        for (int b = 0; b < B; b++) {
            PpoExplain.Explained e = batch.rows()[b];
            for (int t = 0; t < e.kl().length; t++) {
                kl += e.kl()[t] / B;
                entropy -= e.logprobs()[t] / B;
                nonScore -= controller.beta() * e.kl()[t] / B;
                double ret = batch.returns()[b][t], d = ret - e.values()[t];
                sr += ret;
                sr2 += ret * ret;
                sd += d;
                sd2 += d * d;
                tokens++;
                if (e.responseIds()[t] == Gpt2Tokenizer.EOT_ID) eos++;
            }
            score += e.score() / B;
            if (gold != null) goldSum += gold.applyAsDouble(e.responseIds()) / B;
        }
        double varRet = sr2 / tokens - (sr / tokens) * (sr / tokens), varDiff = sd2 / tokens - (sd / tokens) * (sd / tokens);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("objective/kl", kl);
        row.put("objective/entropy", entropy);
        row.put("objective/non_score_reward", nonScore);
        row.put("objective/rlhf_reward", nonScore + score);
        row.put("objective/scores", score);
        row.put("objective/kl_coef", controller.beta());
        if (gold != null) row.put("objective/gold", goldSum);
        row.put("val/num_eos_tokens", (int) eos);
        row.put("val/var_explained", 1 - varDiff / varRet);
        return row;
    }

    /** Minibatch statistics, averaged over the update (val/ratio_var: the variance of the minibatch mean ratios). */
    private static final class Stats {
        final List<double[]> rows = new ArrayList<>();

        void add(double... v) {
            rows.add(v);
        }

        Map<String, Object> metrics() {
            String[] names = {"loss/policy_avg", "loss/value_avg", "policy/clipfrac_avg", "val/clipfrac_avg", "val/ratio", "policy/approxkl_avg"};
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                double mean = 0;
                for (double[] r : rows) mean += r[i] / rows.size();
                out.put(names[i], mean);
            }
            double mean = (Double) out.get("val/ratio"), var = 0;
            for (double[] r : rows) var += (r[4] - mean) * (r[4] - mean) / Math.max(1, rows.size() - 1);
            out.put("val/ratio_var", var);
            return out;
        }
    }

    @Override
    public Checkpoint.Parts parts() {
        Map<String, Gpt2Model> models = new LinkedHashMap<>();
        models.put("policy", m.policy());
        models.put("value", m.value());
        Map<String, Optimizer> opts = new LinkedHashMap<>();
        opts.put("policy_optimizer", policyOpt);
        opts.put("value_optimizer", valueOpt);
        return new Checkpoint.Parts(models, opts);
    }

    @Override
    public ObjectNode state() {
        return new ObjectMapper().createObjectNode().put("kl_coef", controller.beta());
    }

    @Override
    public void restore(ObjectNode state) {
        controller.restore(state.get("kl_coef").asDouble());
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return String.format("score %.3f kl %.3f", row.get("objective/scores"), row.get("objective/kl"));
    }
}
