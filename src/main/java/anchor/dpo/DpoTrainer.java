package anchor.dpo;

import anchor.Seeds;
import anchor.AnchorException;
import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.Gradients;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TrainingPass;
import anchor.kl.ExactKl;
import anchor.logprobs.RowLogProbs;
import anchor.logprobs.SequenceLogProbs;
import anchor.reference.WeightDivergence;
import anchor.train.TrainingCheckpoint;
import anchor.train.Diverged;
import anchor.train.MetricsLog;
import anchor.train.Optimizer;
import anchor.train.RunLoop;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * DPO training (document 3, "Training: Four Forward Passes Per Example"), batched as TRL does it: the chosen and
 * rejected sequences of B pairs form one batch of 2B rows (the "concatenated" forward), the reference's log-probs
 * come without gradients (or were precomputed once), and only the policy is updated. Dropout is off, as in TRL.
 * A {@link RunLoop} trainer: the loop writes the metrics and checkpoints.
 *
 * <p>The gradient is exact: with per-pair ∂L/∂log π(y) from {@link DpoLoss}, every response token of a row gets that
 * weight (divided by B for the batch mean), and the graph's weighted-log-prob loss has exactly the DPO gradient.
 */
public final class DpoTrainer implements RunLoop.Trainer {
    /** Steps between two measurements of the weight divergence from the initial policy (and at the last step). */
    static final int DIVERGENCE_EVERY = 10;

    /**
     * One step's metrics under TRL's names (see {@link #toTrl}), plus {@code kl}: the exact KL(π‖π_ref) over the
     * vocabulary at each response position of the batch, averaged (document 1, "Per-Token KL"; NaN when the
     * reference is not resident) and the gradient's global norm before clipping.
     */
    public record Metrics(int step, double loss, double rewardsChosen, double rewardsRejected, double rewardsMargins,
                          double rewardsAccuracies, double logpsChosen, double logpsRejected, double kl, double gradNorm) {
        public Map<String, Object> toTrl() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("loss", loss);
            m.put("rewards/chosen", rewardsChosen);
            m.put("rewards/rejected", rewardsRejected);
            m.put("rewards/margins", rewardsMargins);
            m.put("rewards/accuracies", rewardsAccuracies);
            m.put("logps/chosen", logpsChosen);
            m.put("logps/rejected", logpsRejected);
            if (Double.isFinite(kl)) m.put("kl", kl);
            if (Double.isFinite(gradNorm)) m.put("grad_norm", gradNorm);
            return m;
        }

        Metrics plus(Metrics o, double w) {
            return new Metrics(step, loss + w * o.loss, rewardsChosen + w * o.rewardsChosen, rewardsRejected + w * o.rewardsRejected,
                    rewardsMargins + w * o.rewardsMargins, rewardsAccuracies + w * o.rewardsAccuracies, logpsChosen + w * o.logpsChosen,
                    logpsRejected + w * o.logpsRejected, kl + w * o.kl, gradNorm);
        }

        Metrics withGradNorm(double norm) {
            return new Metrics(step, loss, rewardsChosen, rewardsRejected, rewardsMargins, rewardsAccuracies, logpsChosen, logpsRejected, kl, norm);
        }
    }

    /** The metrics log's CSV columns and curves. */
    public static final MetricsLog.Layout METRICS = new MetricsLog.Layout(
            List.of("step", "loss", "rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies",
                    "logps/chosen", "logps/rejected", "kl", "grad_norm", "weight_divergence"),
            List.of(new MetricsLog.Curve("loss.png", "DPO loss", "loss", "loss"),
                    new MetricsLog.Curve("rewards.png", "Implicit rewards β·(log π − log π_ref)", "reward", "rewards/chosen", "rewards/rejected", "rewards/margins"),
                    new MetricsLog.Curve("kl.png", "KL(π ‖ π_ref) per response token", "nats", "kl")));

    private final Gpt2Model policy;
    private final Supplier<Gpt2Weights> init;
    private final DpoReference reference;
    private final List<PreferenceBatch> pairs;
    private final DpoSettings s;
    private final Optimizer opt;

    /** @param init the policy's initial weights, for the weight divergence, asked for at each measurement (null: not measured) */
    public DpoTrainer(Gpt2Model policy, Supplier<Gpt2Weights> init, DpoReference reference, List<PreferenceBatch> pairs, DpoSettings s, Optimizer opt) {
        this.policy = policy;
        this.init = init;
        this.reference = reference;
        this.pairs = pairs;
        this.s = s;
        this.opt = opt;
    }

    @Override
    public Map<String, Object> step(int step) {
        Metrics m = update(step);
        Map<String, Object> row = m.toTrl();
        if (init != null && ((step + 1) % DIVERGENCE_EVERY == 0 || step + 1 == s.steps())) {
            row.put("weight_divergence", WeightDivergence.between(policy.weights(), init.get()).relative());
        }
        return row;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        return TrainingCheckpoint.Parts.of(policy, opt);
    }

    /** The trained policy, {@code out/model}. */
    @Override
    public void writeFinal(Path out) {
        RunLoop.Trainer.savePolicy(policy, out);
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return String.format("loss %.3f acc %.2f", row.get("loss"), row.get("rewards/accuracies"));
    }

    /**
     * Optimizer step {@code step}: its {@code gradAccum} micro-batches (pairs from {@link anchor.Seeds#batchIndices}),
     * gradients averaged and clipped to {@code maxGradNorm}, then one update. Returns the metrics, computed before the update.
     */
    public Metrics update(int step) {
        Metrics sum = null;
        Map<String, INDArray> grads = null;
        double w = 1.0 / s.gradAccum();
        for (int k = 0; k < s.gradAccum(); k++) {
            int[] idx = Seeds.batchIndices(pairs.size(), s.batch(), step * s.gradAccum() + k, s.seed());
            Evaluated e = evaluate(policy, reference, pairs, idx, s, step, w);
            if (grads == null) {
                grads = e.gradients();
                sum = new Metrics(step, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN).plus(e.metrics(), w);
            } else {
                Map<String, INDArray> g = grads;
                e.gradients().forEach((name, a) -> g.get(name).addi(a));
                Optimizer.release(e.gradients());
                sum = sum.plus(e.metrics(), w);
            }
        }
        double norm = Optimizer.clippedUpdate(s.maxGradNorm(), new Optimizer.Part(opt, policy.parameters(), grads));
        for (var p : policy.parameters().entrySet()) {
            if (!Double.isFinite(p.getValue().sumNumber().doubleValue())) {
                throw new Diverged("the update of step " + step + " made " + p.getKey() + " non-finite (is the learning rate too large?)");
            }
        }
        return sum.withGradNorm(norm);
    }

    /** The batch's metrics and the exact gradient of its mean DPO loss. */
    public record Evaluated(Metrics metrics, Map<String, INDArray> gradients) {
    }

    /** As below, unscaled. */
    public static Evaluated evaluate(Gpt2Model policy, DpoReference reference, List<PreferenceBatch> pairs, int[] idx, DpoSettings s, int step) {
        return evaluate(policy, reference, pairs, idx, s, step, 1.0);
    }

    /** The pairs {@code idx}: metrics and the gradient of their mean loss scaled by {@code scale} (1/gradAccum for a micro-batch). */
    static Evaluated evaluate(Gpt2Model policy, DpoReference reference, List<PreferenceBatch> pairs, int[] idx, DpoSettings s, int step, double scale) {
        PairBatches.Rows r = PairBatches.rows(pairs, idx, policy.config().nPositions());
        Gpt2Model refModel = reference instanceof DpoReference.Resident res && res.model() instanceof Gpt2Model m ? m : null;
        double[] precomputed = refModel == null ? referenceLogps(reference, r, idx) : null;
        try (TrainingPass pass = policy.trainingPass(r.batch())) {                      // one policy forward: the log-probs now, the backward pass once the weights are known
            if (refModel == null) {
                double[] pol = SequenceLogProbs.summed(pass.tokenLogProbs(r.mask()), r.mask());
                return lossAndGradients(r, pol, precomputed, Double.NaN, s, step, scale, pass::gradients);
            }
            // the four forward passes in two (chosen and rejected rows together); the response positions' full
            // logits, for the exact KL as well
            INDArray pl = pass.logitRows(r.mask());                                     // (M, V), M response tokens
            INDArray rl = refModel.logitRows(r.batch(), r.mask());                      // (M, V)
            double[] pol = SequenceLogProbs.summed(RowLogProbs.gather(pl, r.batch(), r.mask()), r.mask());
            double[] ref = SequenceLogProbs.summed(RowLogProbs.gather(rl, r.batch(), r.mask()), r.mask());
            double kl = ExactKl.meanOverRows(pl, rl);
            pl.close();
            rl.close();
            return lossAndGradients(r, pol, ref, kl, s, step, scale, pass::gradients);
        }
    }

    /**
     * The DPO loss of the batch's B pairs from the 2B sequence log-probs (chosen then rejected) of policy and reference,
     * and its gradient: ∂L/∂logp of every response token of a sequence is that sequence's ∂L/∂(summed log-prob).
     */
    private static Evaluated lossAndGradients(PairBatches.Rows r, double[] pol, double[] ref, double kl, DpoSettings s, int step, double scale,
                                              java.util.function.Function<double[][], Gradients> backward) {
        int B = pol.length / 2;
        for (double x : pol) {
            if (!Double.isFinite(x)) throw new Diverged("the policy's sequence log-prob became " + x + " at step " + step + " (is the learning rate too large?)");
        }
        double[][] w = new double[2 * B][r.mask()[0].length];
        double loss = 0, rc = 0, rr = 0, acc = 0, lc = 0, lr = 0;
        for (int i = 0; i < B; i++) {
            DpoLoss.Result res = DpoLoss.of(s.loss(), pol[i], pol[B + i], ref[i], ref[B + i], s.beta(), s.labelSmoothing());
            loss += res.loss() / B;
            rc += res.chosenReward() / B;
            rr += res.rejectedReward() / B;
            acc += (res.chosenReward() > res.rejectedReward() ? 1.0 : 0.0) / B;
            lc += pol[i] / B;
            lr += pol[B + i] / B;
            for (int t = 0; t < w[i].length; t++) {
                w[i][t] = r.mask()[i][t] * res.gradPolicyChosen() * scale / B;
                w[B + i][t] = r.mask()[B + i][t] * res.gradPolicyRejected() * scale / B;
            }
        }
        if (!Double.isFinite(loss)) throw new Diverged("DPO loss became " + loss + " at step " + step);
        Gradients g = backward.apply(w);
        return new Evaluated(new Metrics(step, loss, rc, rr, rc - rr, acc, lc, lr, kl, Double.NaN), g.byParameter());
    }

    /** The reference's summed log-probs of the batch's 2B rows (chosen then rejected). */
    private static double[] referenceLogps(DpoReference reference, PairBatches.Rows r, int[] idx) {
        if (reference instanceof DpoReference.Resident res) return SequenceLogProbs.summed(res.model().tokenLogProbs(r.batch(), 1.0, r.mask()), r.mask());
        if (!(reference instanceof DpoReference.Precomputed pre)) throw new AnchorException("no reference: give a reference model or precomputed log-probs");
        int B = idx.length;
        double[] ref = new double[2 * B];
        for (int i = 0; i < B; i++) {
            ref[i] = pre.logps()[idx[i]][0];
            ref[B + i] = pre.logps()[idx[i]][1];
        }
        return ref;
    }

    /**
     * The mean implicit-reward margin in nats, (log π − log π_ref)(y_w) − (log π − log π_ref)(y_l), of {@code policy}
     * over {@code pairs}, against reference log-probs precomputed on the same pairs.
     */
    public static double meanLogRatioMargin(LanguageModel policy, DpoReference.Precomputed reference, List<PreferenceBatch> pairs) {
        double[][] pol = PairLogProbs.of(policy, pairs, 16);
        double m = 0;
        for (int i = 0; i < pairs.size(); i++) {
            double[] ref = reference.logps()[i];
            m += DpoLoss.logRatioMargin(pol[i][0], pol[i][1], ref[0], ref[1]) / pairs.size();
        }
        return m;
    }
}
