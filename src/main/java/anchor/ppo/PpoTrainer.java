package anchor.ppo;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.gpt2.TrainingPass;
import anchor.kl.KlEstimators;
import anchor.reference.PeriodicKl;
import anchor.safetensors.DType;
import anchor.train.AdamW;
import anchor.train.TrainingCheckpoint;
import anchor.train.Diverged;
import anchor.train.MetricsLog;
import anchor.train.Optimizer;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PPO as TRL's {@code PPOTrainer}, one update per run-loop step:
 * <pre>
 * 1. rollout    B prompts, one response each: pure sampling at temperature T, cut after the first EOS
 * 2–4.          per response, {@link RolloutScores}: log-probs, reference log-probs, KL, score, shaped rewards, values,
 *               GAE advantages and returns (rewards optionally whitened over the batch first)
 *               advantages whitened over every response token of the batch
 * 5. epochs     ppoEpochs passes, each over shuffled minibatches: the clipped surrogate + vfCoef · the clipped value
 *               loss, each a mean over the minibatch's response tokens; one global-norm clip over policy and value;
 *               AdamW on both, the learning rate decaying linearly to 0
 * 6. β          the KL controller sees the batch's mean per-sequence KL
 * </pre>
 * The value model ({@link ValueModel}) is TRL's separate network, or Ziegler et al.'s scalar head on the policy's
 * trunk, both losses then flowing into one trunk through one optimizer. With
 * {@code klEvery} N &gt; 1 the reference runs only every N updates and the last batch's mean per-token KL stands in for
 * every token's KL in between (document 1's option 3, where it really enters the rewards).
 * Gradients are exact: ∂L/∂log π and ∂L/∂V of each token ({@link PpoMath}) are fed as the graphs' loss weights.
 * Dropout is off in all four models. Metrics under TRL's names, plus {@code objective/kl_coef},
 * {@code val/var_explained} ({@link PpoMetrics}; {@code objective/gold} where a {@link JudgedRollouts} wraps it). Not logged:
 * {@code policy/entropy_avg}, which needs the whole vocabulary's logits at every trained token.
 */
public final class PpoTrainer implements JudgedRollouts.Sampling {
    public static final MetricsLog.Layout METRICS = new MetricsLog.Layout(List.of(),
            List.of(new MetricsLog.Curve("reward.png", "Reward of the rollouts", "reward", "objective/scores", "objective/rlhf_reward", "objective/gold"),
                    new MetricsLog.Curve("kl.png", "KL(π ‖ π_ref) per sequence (summed over tokens)", "nats", "objective/kl"),
                    new MetricsLog.Curve("loss.png", "PPO losses", "loss", "loss/policy_avg", "loss/value_avg")));

    private final PpoModels m;
    private final List<int[]> prompts;
    private final PpoSettings s;
    private final KlController controller;
    private final KlEstimators.Estimator estimator;
    private RolloutScores.Scored[] last = new RolloutScores.Scored[0];
    private final PeriodicKl periodic;
    private final AdamW policyOpt, valueOpt;

    /**
     * What the rollouts really earn is not the trainer's ({@link JudgedRollouts} around it), nor is the held-out
     * evaluation ({@link HeldOutEvaluation}, run by an {@link anchor.train.EvaluatedTrainer} around it).
     */
    public PpoTrainer(PpoModels m, List<int[]> prompts, PpoSettings s, KlController controller, KlEstimators.Estimator estimator) {
        if (!m.hasCritic()) throw new anchor.AnchorException("PPO needs a value model (a separate one or the policy's shared trunk); GRPO and RLOO need none");
        this.m = m;
        this.prompts = prompts;
        this.s = s;
        this.controller = controller;
        this.estimator = estimator;
        this.periodic = new PeriodicKl(s.klEvery());
        this.policyOpt = AdamW.standard(s.lr());
        this.valueOpt = m.sharedTrunk() ? null : AdamW.standard(s.lr());
    }

    RolloutBatch rollout(int step) {
        Rollouts.Sampled sampled = Rollouts.sample(m.policy(), prompts, s, step, 1);
        double held = Double.NaN;
        if (!periodic.due(step)) held = periodic.held();
        RolloutScores.Scored[] rows = RolloutScores.batch(m, sampled.prompts(), sampled.responses(), s.explain(controller.beta(), estimator), held);
        RolloutBatch batch = RolloutBatch.of(sampled.prompts(), rows, s);
        if (Double.isNaN(held)) periodic.hold(batch.meanTokenKl());
        return batch;
    }

    @Override
    public Map<String, Object> step(int step) {
        RolloutBatch batch = rollout(step);
        double lr = s.lr() * (1 - (double) step / s.steps());
        policyOpt.setLearningRate(lr);
        if (valueOpt != null) valueOpt.setLearningRate(lr);
        PpoMetrics.Stats st = new PpoMetrics.Stats();
        int size = s.batch() / s.miniBatches();
        for (int epoch = 0; epoch < s.ppoEpochs(); epoch++) {
            List<Integer> order = Rollouts.epochOrder(s, step, epoch);
            for (int from = 0; from < s.batch(); from += size) minibatch(batch, order.subList(from, from + size), st);
        }
        last = batch.rows();
        Map<String, Object> row = PpoMetrics.objective(batch, controller.beta(), m.policy().config().eotId());
        row.putAll(st.metrics());
        row.put("lr", lr);
        row.put("episode", (long) (step + 1) * s.batch());
        controller.update((Double) row.get("objective/kl"), s.batch());
        return row;
    }

    /** One minibatch update of policy and value from the clipped losses. */
    private void minibatch(RolloutBatch batch, List<Integer> rows, PpoMetrics.Stats st) {
        Rollouts.Minibatch mb = Rollouts.minibatch(batch.prompts(), batch.rows(), rows, m.policy().config().nPositions());
        try (TrainingPass valuePass = m.sharedTrunk() ? null : m.critic().scorePass(mb.batch())) {   // a value model: one forward for its values and their gradient
            minibatch(batch, rows, st, mb.batch(), mb.responses(), valuePass);
        }
    }

    /** The minibatch's losses and updates; {@code valuePass} is the value model's kept forward pass (null: a shared trunk). */
    private void minibatch(RolloutBatch batch, List<Integer> rows, PpoMetrics.Stats st, TokenBatch tb, int[][] responses, TrainingPass valuePass) {
        int R = rows.size();
        double[][] v = valuePass != null ? valuePass.scores() : m.critic().scores(tb);          // (R, T)
        int total = 0;
        for (int b : rows) total += batch.rows()[b].responseIds().length;
        int n = total;
        double[][] sw = new double[R][tb.length()];
        PpoMetrics.MinibatchLoss sum = new PpoMetrics.MinibatchLoss();
        for (int r = 0; r < R; r++) {
            int b = rows.get(r), P = batch.prompts()[b].length;
            RolloutScores.Scored e = batch.rows()[b];
            for (int t = 0; t < e.responseIds().length; t++) {
                PpoMath.ValueLoss vl = PpoMath.valueLoss(v[r][P - 1 + t], e.values()[t], batch.returns()[b][t], s.cliprangeValue());
                sw[r][P - 1 + t] = s.vfCoef() * vl.gradValue() / n;
                sum.value += vl.loss() / n;
                sum.valueClipped += (vl.clipped() ? 1.0 : 0.0) / n;
            }
        }
        // the policy's per-token gradient depends only on that token's new log-prob: asked during the pass itself
        Loss.TokenWeights policyWeights = (r, pos, logp) -> {
            int b = rows.get(r), t = pos - (batch.prompts()[b].length - 1);
            RolloutScores.Scored e = batch.rows()[b];
            if (t < 0 || t >= e.responseIds().length) return 0;                                // prompt positions: no loss
            PpoMath.PolicyLoss pl = PpoMath.policyLoss(logp, e.logprobs()[t], batch.advantages()[b][t], s.cliprange());
            double diff = logp - e.logprobs()[t];
            sum.policy += pl.loss() / n;
            sum.policyClipped += (pl.clipped() ? 1.0 : 0.0) / n;
            sum.ratio += Math.exp(diff) / n;
            sum.approxKl += 0.5 * diff * diff / n;
            return pl.gradLogProb() / n;
        };
        if (m.sharedTrunk()) {                                                                  // Ziegler: one trunk, both heads, one optimizer
            var g = m.policy().gradients(tb, Loss.tokens(policyWeights, responses).withScores(sw).withTemperature(s.temperature())).byParameter();
            checkLoss(sum);
            Optimizer.clippedUpdate(s.maxGradNorm(), new Optimizer.Part(policyOpt, m.policy().parameters(), g));
        } else {
            var gv = valuePass.scoreGradients(sw).byParameter();
            var gp = m.policy().gradients(tb, Loss.tokens(policyWeights, responses).withTemperature(s.temperature())).byParameter();
            checkLoss(sum);
            Optimizer.clippedUpdate(s.maxGradNorm(), new Optimizer.Part(policyOpt, m.policy().parameters(), gp),   // one norm over both (TRL's one optimizer holds both)
                    new Optimizer.Part(valueOpt, m.critic().parameters(), gv));
        }
        st.add(sum);
    }

    private void checkLoss(PpoMetrics.MinibatchLoss sum) {
        if (!sum.finite()) throw new Diverged("the PPO loss became " + (sum.policy + s.vfCoef() * sum.value));
    }

    /** The rollouts of the last update, in batch order. */
    @Override
    public RolloutScores.Scored[] lastRollouts() {
        return last;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        Map<String, Gpt2Model> models = new LinkedHashMap<>();
        models.put("policy", m.policy());
        if (!m.sharedTrunk()) models.put("value", m.critic());
        Map<String, Optimizer> opts = new LinkedHashMap<>();
        opts.put("policy_optimizer", policyOpt);
        if (!m.sharedTrunk()) opts.put("value_optimizer", valueOpt);
        return new TrainingCheckpoint.Parts(models, opts);
    }

    /**
     * The trained policy as a plain language model, {@code out/model}, and the value model with its scalar head,
     * {@code out/value} (with a shared trunk: the policy's trunk and head).
     */
    @Override
    public void writeFinal(Path out) {
        RunLoop.Trainer.savePolicy(m.policy(), out);
        HfCheckpoint.save(m.critic(), true, out.resolve("value"), DType.F32);
    }

    @Override
    public ObjectNode state() {
        ObjectNode state = new ObjectMapper().createObjectNode().put("kl_coef", controller.beta());
        if (!Double.isNaN(periodic.held())) state.put("held_token_kl", periodic.held());
        return state;
    }

    @Override
    public void restore(ObjectNode state) {
        controller.restore(state.get("kl_coef").asDouble());
        if (state.has("held_token_kl")) periodic.restore(state.get("held_token_kl").asDouble());
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return String.format("score %.3f kl %.3f", row.get("objective/scores"), row.get("objective/kl"));
    }
}
