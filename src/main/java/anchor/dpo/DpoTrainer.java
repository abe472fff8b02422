package anchor.dpo;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.SequenceLogProbs;
import anchor.train.Optimizer;
import anchor.world.PreferenceData;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
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

    public record Settings(double beta, DpoLoss.Variant loss, double labelSmoothing, int batch, int steps, int maxLength,
                           double maxGradNorm, long seed, boolean precomputeReference, boolean eos) {
        public Settings {
            if (!(beta > 0) || Double.isInfinite(beta)) throw new AnchorException("--beta must be a finite number > 0, got " + beta);
            if (batch < 1) throw new AnchorException("--batch must be >= 1");
            if (steps < 1) throw new AnchorException("--steps must be >= 1");
        }
    }

    /** One step's metrics under TRL's names (see {@link #toTrl}). */
    public record Metrics(int step, double loss, double rewardsChosen, double rewardsRejected, double rewardsMargins,
                          double rewardsAccuracies, double logpsChosen, double logpsRejected) {
        public Map<String, Object> toTrl() {
            return Map.of("step", step, "loss", loss, "rewards/chosen", rewardsChosen, "rewards/rejected", rewardsRejected,
                    "rewards/margins", rewardsMargins, "rewards/accuracies", rewardsAccuracies,
                    "logps/chosen", logpsChosen, "logps/rejected", logpsRejected);
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

    /** The 2B-row batch: chosen rows then rejected rows, right-padded, with their response masks. */
    record Rows(TokenBatch batch, int[][] mask) {
    }

    static Rows rows(List<PreferenceBatch> pairs, int[] idx) {
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
        TokenBatch batch = TokenBatch.padded(seqs, false);
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
            Rows r = rows(pairs, idx);
            double[] s = SequenceLogProbs.summed(reference.tokenLogProbs(r.batch()), r.mask());
            for (int i = 0; i < idx.length; i++) {
                out[from + i][0] = s[i];
                out[from + i][1] = s[idx.length + i];
            }
        }
        return out;
    }

    /** One optimisation step on the batch of pairs {@code idx}; returns its metrics (computed before the update). */
    public static Metrics step(Gpt2Model policy, LanguageModel reference, double[][] precomputed, List<PreferenceBatch> pairs,
                               int[] idx, Settings s, Optimizer opt, int step) {
        Evaluated e = evaluate(policy, reference, precomputed, pairs, idx, s, step);
        Optimizer.clipGlobalNorm(e.gradients(), s.maxGradNorm());
        opt.step(policy.parameters(), e.gradients());
        return e.metrics();
    }

    /** The batch's metrics and the exact gradient of its mean DPO loss. */
    public record Evaluated(Metrics metrics, Map<String, INDArray> gradients) {
    }

    public static Evaluated evaluate(Gpt2Model policy, LanguageModel reference, double[][] precomputed, List<PreferenceBatch> pairs,
                                     int[] idx, Settings s, int step) {
        int B = idx.length;
        Rows r = rows(pairs, idx);
        double[] pol = SequenceLogProbs.summed(policy.tokenLogProbs(r.batch()), r.mask());
        double[] ref;
        if (precomputed != null) {
            ref = new double[2 * B];
            for (int i = 0; i < B; i++) {
                ref[i] = precomputed[idx[i]][0];
                ref[B + i] = precomputed[idx[i]][1];
            }
        } else {
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
                w[i][t] = r.mask()[i][t] * res.gradPolicyChosen() / B;
                w[B + i][t] = r.mask()[B + i][t] * res.gradPolicyRejected() / B;
            }
        }
        if (!Double.isFinite(loss)) throw new AnchorException("DPO loss became " + loss + " at step " + step);
        Gpt2Model.Gradients g = policy.gradients(r.batch(), w, null);
        return new Evaluated(new Metrics(step, loss, rc, rr, rc - rr, acc, lc, lr), g.byParameter());
    }
}
