package anchor.dpo;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlEstimators;
import anchor.logprobs.SequenceLogProbs;
import anchor.logprobs.TokenLogProbs;
import anchor.train.Optimizer;
import anchor.world.PreferenceData;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * DPO training (document 3, "Training: Four Forward Passes Per Example"), batched as TRL does it: the chosen and
 * rejected sequences of B pairs form one batch of 2B rows (the "concatenated" forward), the reference's log-probs
 * come without gradients (or are precomputed once), and only the policy is updated. Dropout is off, as in TRL.
 *
 * <p>The gradient is exact: with per-pair ∂L/∂log π(y) from {@link DpoLoss}, every response token of a row gets that
 * weight (divided by B for the batch mean), and the graph's weighted-log-prob loss has exactly the DPO gradient.
 */
public final class DpoTrainer {
    private DpoTrainer() {
    }

    /**
     * A run's settings. One optimizer step sees {@code batch × gradAccum} pairs: {@code gradAccum} micro-batches of
     * {@code batch} pairs, their gradients averaged, exactly as one batch of {@code batch × gradAccum} would give.
     */
    public record Settings(double beta, DpoLoss.Variant loss, double labelSmoothing, int batch, int gradAccum, int steps,
                           int maxLength, double maxGradNorm, long seed, boolean eos) {
        public Settings {
            if (!(beta > 0) || Double.isInfinite(beta)) throw new AnchorException("--beta must be a finite number > 0, got " + beta);
            if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) throw new AnchorException("--label-smoothing must be in [0, 0.5), got " + labelSmoothing);
            if (batch < 1) throw new AnchorException("--batch must be >= 1");
            if (gradAccum < 1) throw new AnchorException("--grad-accum must be >= 1");
            if (steps < 1) throw new AnchorException("--steps must be >= 1");
            if (!(maxGradNorm >= 0)) throw new AnchorException("--max-grad-norm must be >= 0 (0 turns clipping off), got " + maxGradNorm);
        }

        /** Optimizer steps for {@code epochs} passes over {@code pairs} pairs (the last step may wrap into the next epoch). */
        public static int stepsForEpochs(double epochs, int pairs, int batch, int gradAccum) {
            if (!(epochs > 0) || Double.isInfinite(epochs)) throw new AnchorException("--epochs must be a finite number > 0, got " + epochs);
            return (int) Math.max(1, Math.ceil(epochs * pairs / ((double) batch * gradAccum)));
        }
    }

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

    /**
     * Pairs tokenized as TRL does: prompt, then response, then {@code <|endoftext|>} (unless {@code eos} is off);
     * the prompt text is tokenized as it stands (world prompts carry their own leading {@code <|endoftext|>}).
     */
    public static List<PreferenceBatch> tokenize(List<PreferenceData.Pair> data, Settings s) {
        var tok = anchor.tokenizer.Gpt2Tokenizer.gpt2();
        List<PreferenceBatch> out = new ArrayList<>();
        for (PreferenceData.Pair p : data) {
            out.add(PreferenceBatch.of(PreferenceData.promptIds(p.prompt()), tok.encode(p.chosen()), tok.encode(p.rejected()), s.eos(), s.maxLength()));
        }
        return out;
    }

    /** The indices of step {@code step}'s batch: epochs of seeded permutations. */
    public static int[] indices(int n, int batch, int step, long seed) {
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) {
            long k = (long) step * batch + i;
            int epoch = (int) (k / n);
            List<Integer> order = new ArrayList<>();
            for (int j = 0; j < n; j++) order.add(j);
            Collections.shuffle(order, new Random(seed * 31 + epoch));
            idx[i] = order.get((int) (k % n));
        }
        return idx;
    }

    /** The 2B-row batch: chosen rows then rejected rows, right-padded to a length bucket, with their response masks. */
    record Rows(TokenBatch batch, int[][] mask) {
    }

    static Rows rows(List<PreferenceBatch> pairs, int[] idx, int cap) {
        int B = idx.length;
        int[][] seqs = new int[2 * B][];
        int[] promptLen = new int[2 * B];
        for (int i = 0; i < B; i++) {
            PreferenceBatch p = pairs.get(idx[i]);
            seqs[i] = p.chosen().ids()[0];
            seqs[B + i] = p.rejected().ids()[0];
            promptLen[i] = firstResponse(p.chosenMask()[0]);
            promptLen[B + i] = firstResponse(p.rejectedMask()[0]);
        }
        TokenBatch batch = TokenBatch.bucketed(seqs, false, cap);
        return new Rows(batch, SequenceLogProbs.responseMask(batch, promptLen));
    }

    private static int firstResponse(int[] mask) {
        for (int t = 0; t < mask.length; t++) if (mask[t] == 1) return t + 1;
        throw new AnchorException("empty response");
    }

    /** Reference sequence log-probs of every pair, [i] = {chosen, rejected}, computed once. */
    public static double[][] referenceLogps(LanguageModel reference, List<PreferenceBatch> pairs, int batch) {
        double[][] out = new double[pairs.size()][2];
        for (int from = 0; from < pairs.size(); from += batch) {
            int[] idx = new int[Math.min(batch, pairs.size() - from)];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            Rows r = rows(pairs, idx, reference.config().nPositions());
            double[] s = SequenceLogProbs.summed(reference.tokenLogProbs(r.batch()), r.mask());
            for (int i = 0; i < idx.length; i++) {
                out[from + i][0] = s[i];
                out[from + i][1] = s[idx.length + i];
            }
        }
        return out;
    }

    /**
     * Optimizer step {@code step}: its {@code gradAccum} micro-batches (pairs from {@link #indices}), gradients
     * averaged and clipped to {@code maxGradNorm}, then one update. Returns the metrics, computed before the update.
     */
    public static Metrics step(Gpt2Model policy, LanguageModel reference, double[][] precomputed, List<PreferenceBatch> pairs,
                               Settings s, Optimizer opt, int step) {
        Metrics sum = null;
        Map<String, INDArray> grads = null;
        double w = 1.0 / s.gradAccum();
        for (int k = 0; k < s.gradAccum(); k++) {
            int[] idx = indices(pairs.size(), s.batch(), step * s.gradAccum() + k, s.seed());
            Evaluated e = evaluate(policy, reference, precomputed, pairs, idx, s, step, w);
            if (grads == null) {
                grads = e.gradients();
                sum = new Metrics(step, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN).plus(e.metrics(), w);
            } else {
                Map<String, INDArray> g = grads;
                e.gradients().forEach((name, a) -> g.get(name).addi(a));
                sum = sum.plus(e.metrics(), w);
            }
        }
        double norm = Optimizer.globalNorm(grads);
        if (!Double.isFinite(norm)) throw new Diverged("the gradient norm became " + norm + " at step " + step);
        Optimizer.clipToNorm(grads, norm, s.maxGradNorm());
        opt.step(policy.parameters(), grads);
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

    public static Evaluated evaluate(Gpt2Model policy, LanguageModel reference, double[][] precomputed, List<PreferenceBatch> pairs,
                                     int[] idx, Settings s, int step) {
        return evaluate(policy, reference, precomputed, pairs, idx, s, step, 1.0);
    }

    /** As above, the gradient scaled by {@code scale} (1/gradAccum for one of several micro-batches). */
    static Evaluated evaluate(Gpt2Model policy, LanguageModel reference, double[][] precomputed, List<PreferenceBatch> pairs,
                              int[] idx, Settings s, int step, double scale) {
        int B = idx.length;
        Rows r = rows(pairs, idx, policy.config().nPositions());
        double[] pol, ref;
        double kl = Double.NaN;
        if (precomputed == null && reference instanceof Gpt2Model refModel) {
            // the four forward passes in two (chosen and rejected rows together); full logits, for the KL as well
            INDArray pl = policy.logits(r.batch());                                     // (2B, T, V)
            INDArray rl = refModel.logits(r.batch());                                   // (2B, T, V)
            pol = SequenceLogProbs.summed(TokenLogProbs.gather(pl, r.batch()), r.mask());
            ref = SequenceLogProbs.summed(TokenLogProbs.gather(rl, r.batch()), r.mask());
            kl = responseKl(pl, rl, r.mask());
            pl.close();
            rl.close();
        } else if (precomputed != null) {
            pol = SequenceLogProbs.summed(policy.tokenLogProbs(r.batch()), r.mask());
            ref = new double[2 * B];
            for (int i = 0; i < B; i++) {
                ref[i] = precomputed[idx[i]][0];
                ref[B + i] = precomputed[idx[i]][1];
            }
        } else {
            if (reference == null) throw new AnchorException("no reference: give a reference model or precomputed reference log-probs");
            pol = SequenceLogProbs.summed(policy.tokenLogProbs(r.batch()), r.mask());
            ref = SequenceLogProbs.summed(reference.tokenLogProbs(r.batch()), r.mask());
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
        Gpt2Model.Gradients g = policy.gradients(r.batch(), w, null);
        return new Evaluated(new Metrics(step, loss, rc, rr, rc - rr, acc, lc, lr, kl, Double.NaN), g.byParameter());
    }

    /** Exact KL(π‖π_ref) at each position whose next token is a response token, averaged over those positions. */
    static double responseKl(INDArray policyLogits, INDArray referenceLogits, int[][] mask) {
        double sum = 0;
        int n = 0;
        for (int b = 0; b < mask.length; b++)
            for (int t = 0; t < mask[b].length; t++) {
                if (mask[b][t] == 0) continue;
                double[] p = policyLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector();   // (V)
                double[] q = referenceLogits.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all()).toDoubleVector(); // (V)
                sum += KlEstimators.exact(p, q);
                n++;
            }
        return sum / n;
    }

    /** The loss, the gradient or the weights stopped being numbers: training must stop (the caller keeps its last good checkpoint). */
    public static final class Diverged extends AnchorException {
        Diverged(String message) {
            super(message);
        }
    }
}
