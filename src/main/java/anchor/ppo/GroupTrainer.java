package anchor.ppo;

import anchor.AnchorException;
import anchor.gpt2.Gradients;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.gpt2.TrainingPass;
import anchor.kl.KlEstimators;
import anchor.stats.Estimate;
import anchor.train.AdamW;
import anchor.train.Diverged;
import anchor.train.Optimizer;
import anchor.train.RunLoop;
import anchor.train.TrainingCheckpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * PPO's rollout machinery without a value model: each update samples {@code groupSize} responses to each of
 * batch / groupSize prompts, and the group itself is the baseline ({@link GroupMath}: RLOO or GRPO). Rollouts,
 * log-probs, reference, score, epochs over shuffled minibatches, the global-norm clip and AdamW's linearly
 * decaying learning rate are PPO's ({@link PpoTrainer}, {@link RolloutScores}, {@link PpoMetrics}); what differs is the
 * advantage, where the KL enters (RLOO: k1 summed into the reward; GRPO: k3 per token in the loss) and the ratio
 * (RLOO: one per sequence; GRPO: one per token). Three models resident: policy, reference, reward.
 */
public final class GroupTrainer implements JudgedRollouts.Sampling {
    public enum Estimator { RLOO, GRPO }

    /** The estimator, the responses per prompt and β (RLOO: of k1 in the reward, TRL's 0.05; GRPO: of k3 in the loss, DeepSeekMath's 0.04). */
    public record Settings(Estimator estimator, int groupSize, double beta) {
        public Settings {
            if (groupSize < 2) throw new AnchorException("--group-size must be >= 2 (the group is the baseline), got " + groupSize);
            if (!(beta >= 0) || Double.isInfinite(beta)) throw new AnchorException("β must be a finite number >= 0, got " + beta);
        }
    }

    private final PpoModels m;
    private final List<int[]> prompts;
    private final PpoSettings s;
    private final Settings g;
    private RolloutScores.Scored[] last = new RolloutScores.Scored[0];
    private final AdamW opt;

    public GroupTrainer(PpoModels m, List<int[]> prompts, PpoSettings s, Settings g) {
        if (m.hasCritic()) throw new AnchorException("a critic-free trainer has no value model");
        if (s.batch() % g.groupSize() != 0) throw new AnchorException("--batch (" + s.batch() + ") must be a multiple of --group-size (" + g.groupSize() + ")");
        this.m = m;
        this.prompts = prompts;
        this.s = s;
        this.g = g;
        this.opt = AdamW.standard(s.lr());
    }

    @Override
    public Map<String, Object> step(int step) {
        int B = s.batch(), G = g.groupSize();
        Rollouts.Sampled sampled = Rollouts.sample(m.policy(), prompts, s, step, G);           // rows i·G … i·G+G−1: one prompt
        int[][] pr = sampled.prompts();
        RolloutScores.Scored[] rows = RolloutScores.batch(m, pr, sampled.responses(), s.explain(g.beta(), KlEstimators.Estimator.K1), Double.NaN);
        double[] score = new double[B], reward = new double[B];
        for (int b = 0; b < B; b++) {
            score[b] = rows[b].score();
            double kl = 0;
            for (double k : rows[b].kl()) kl += k;
            reward[b] = score[b] - g.beta() * kl;
        }
        double[] adv = g.estimator() == Estimator.RLOO ? GroupMath.leaveOneOut(reward, G) : GroupMath.groupNormalized(score, G);
        double lr = s.lr() * (1 - (double) step / s.steps());
        opt.setLearningRate(lr);
        MinibatchLoss sums = new MinibatchLoss();                                              // summed over the update's minibatches
        int size = B / s.miniBatches(), updates = 0;
        for (int epoch = 0; epoch < s.ppoEpochs(); epoch++) {
            List<Integer> order = Rollouts.epochOrder(s, step, epoch);
            for (int from = 0; from < B; from += size, updates++) minibatch(pr, rows, adv, order.subList(from, from + size), sums);
        }
        last = rows;
        Map<String, Object> row = PpoMetrics.rollouts(rows, g.beta(), m.policy().config().eotId());
        row.put("objective/rlhf_reward", Estimate.of(g.estimator() == Estimator.RLOO ? reward : score).mean());
        row.put("loss/policy_avg", sums.loss / updates);
        row.put("policy/clipfrac_avg", sums.clipped / updates);
        if (g.estimator() == Estimator.GRPO) {
            row.remove("objective/non_score_reward");                                          // GRPO's KL is in the loss, not in a reward
            row.put("objective/k3_avg", sums.k3 / updates);
        }
        row.put("lr", lr);
        row.put("episode", (long) (step + 1) * B);
        return row;
    }

    /** One AdamW step on the policy from the clipped loss of {@code rows}' responses. */
    private void minibatch(int[][] pr, RolloutScores.Scored[] ex, double[] adv, List<Integer> rows, MinibatchLoss sums) {
        int R = rows.size();
        Rollouts.Minibatch mb = Rollouts.minibatch(pr, ex, rows, m.policy().config().nPositions());
        TokenBatch tb = mb.batch();
        int[][] responses = mb.responses();                                                    // (R, T−1): the loss lives here only
        MinibatchLoss acc = new MinibatchLoss();
        Gradients grads;
        if (g.estimator() == Estimator.RLOO) {                                                 // one ratio per sequence: needs Σ log π first
            try (TrainingPass pass = m.policy().trainingPass(tb, s.temperature())) {          // one forward: the log-probs now, the backward pass once the weights are known
                grads = rlooGradients(pass, pr, ex, adv, rows, responses, acc);
            }
        } else {                                                                               // GRPO: token ratios, k3 in the loss
            grads = m.policy().gradients(tb, Loss.tokens((r, pos, logp) -> {
                int b = rows.get(r), t = pos - (pr[b].length - 1);
                RolloutScores.Scored e = ex[b];
                int n = e.responseIds().length;
                if (t < 0 || t >= n) return 0;
                GroupMath.Clipped c = GroupMath.clipped(logp - e.logprobs()[t], adv[b], s.cliprange());
                GroupMath.K3 k = GroupMath.k3(logp, e.refLogprobs()[t]);
                acc.loss += (c.loss() + g.beta() * k.value()) / (n * R);
                acc.clipped += (c.clipped() ? 1.0 : 0.0) / (n * R);
                acc.k3 += k.value() / (n * R);
                return (c.gradLogRatio() + g.beta() * k.gradLogProb()) / (n * R);
            }, responses).withTemperature(s.temperature()));
        }
        if (!Double.isFinite(acc.loss)) throw new Diverged("the " + g.estimator() + " loss became " + acc.loss);
        Optimizer.clippedUpdate(s.maxGradNorm(), new Optimizer.Part(opt, m.policy().parameters(), grads.byParameter()));
        sums.add(acc);
    }

    /** RLOO's sequence ratios from the pass's log-probs, then its backward pass with the clipped loss's weights. */
    private Gradients rlooGradients(TrainingPass pass, int[][] pr, RolloutScores.Scored[] ex, double[] adv, List<Integer> rows,
                                              int[][] responses, MinibatchLoss acc) {
        int R = rows.size();
        double[][] now = pass.tokenLogProbs(responses);                                       // (R, T−1)
        double[][] w = new double[R][now[0].length];
        for (int r = 0; r < R; r++) {
            int b = rows.get(r), P = pr[b].length;
            RolloutScores.Scored e = ex[b];
            double logRatio = 0;
            for (int t = 0; t < e.responseIds().length; t++) logRatio += now[r][P - 1 + t] - e.logprobs()[t];
            GroupMath.Clipped c = GroupMath.clipped(logRatio, adv[b], s.cliprange());
            acc.loss += c.loss() / R;
            acc.clipped += (c.clipped() ? 1.0 : 0.0) / R;
            for (int t = 0; t < e.responseIds().length; t++) w[r][P - 1 + t] = c.gradLogRatio() / R;
        }
        return pass.gradients(w);
    }

    /** One minibatch's loss and rates (means over its sequences, GRPO: over each sequence's tokens first), summed as they are seen. */
    private static final class MinibatchLoss {
        double loss;       // the clipped loss (GRPO: + β·k3)
        double clipped;    // fraction clipped (RLOO: sequences; GRPO: tokens)
        double k3;         // GRPO's mean k3 (RLOO: 0, its KL is in the reward)

        void add(MinibatchLoss m) {
            loss += m.loss;
            clipped += m.clipped;
            k3 += m.k3;
        }
    }

    /** The rollouts of the last update, in batch order (group by group). */
    @Override
    public RolloutScores.Scored[] lastRollouts() {
        return last;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        return new TrainingCheckpoint.Parts(Map.of("policy", m.policy()), Map.of("policy_optimizer", opt));
    }

    /** The trained policy, {@code out/model} (there is no value model). */
    @Override
    public void writeFinal(Path out) {
        RunLoop.Trainer.savePolicy(m.policy(), out);
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return String.format("score %.3f kl %.3f", row.get("objective/scores"), row.get("objective/kl"));
    }
}
