package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.Gradients;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlPenalty;
import anchor.train.AdamW;
import anchor.train.TrainingCheckpoint;
import anchor.train.LmTrainer;
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
 * A short real training run that watches the policy leave its reference: AdamW steps of next-token training on a
 * text the reference never saw, logging at every step the mean per-token KL on a held-out text (every step, and
 * with {@link PeriodicKl}), and document 1's weight divergence. Step k measures, then updates; the last step
 * ({@code steps}) only measures. A {@link RunLoop} trainer.
 */
public final class DriftRun implements RunLoop.Trainer {

    /** One logged step. */
    public record Row(int step, double loss, double klEveryStep, double klPeriodic, double absoluteDivergence, double relativeDivergence) {
        static Row of(Map<String, Object> m) {
            return new Row((Integer) m.get("step"), num(m, "loss"), num(m, "kl"), num(m, "kl_periodic"), num(m, "divergence_abs"), num(m, "divergence_rel"));
        }

        private static double num(Map<String, Object> m, String k) {
            return m.get(k) instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    public record Settings(int steps, double lr, int klEvery) {
        public Settings {
            if (steps < 1) throw new anchor.AnchorException("--steps must be >= 1, got " + steps);
            if (!(lr > 0) || Double.isInfinite(lr)) throw new anchor.AnchorException("--lr must be a finite number > 0, got " + lr);
            if (klEvery < 1) throw new anchor.AnchorException("--kl-every must be >= 1, got " + klEvery);
        }
    }

    static final MetricsLog.Layout METRICS = new MetricsLog.Layout(List.of("step", "loss", "kl", "kl_periodic", "divergence_abs", "divergence_rel"),
            List.of(new MetricsLog.Curve("kl.png", "Mean per-token KL on the held-out text", "nats", "kl", "kl_periodic")));

    private final Gpt2Model policy;
    private final Gpt2Weights referenceWeights;
    private final LanguageModelData data;
    private final Settings s;
    private final TokenBatch heldOut;
    private final double[] refLogps;
    private final PeriodicKl periodic;
    private final Optimizer opt;

    private DriftRun(Gpt2Model policy, Gpt2Weights referenceWeights, LanguageModelData data, Settings s) {
        this.policy = policy;
        this.referenceWeights = referenceWeights;
        this.data = data;
        this.s = s;
        this.heldOut = data.heldOut();
        this.refLogps = Gpt2Model.frozen(referenceWeights).tokenLogProbs(heldOut)[0];
        this.periodic = new PeriodicKl(s.klEvery());
        this.opt = AdamW.standard(s.lr());
    }

    public static List<Row> run(Gpt2Model policy, Gpt2Weights referenceWeights, LanguageModelData data, Settings s) {
        return run(policy, referenceWeights, data, s, null, false);
    }

    /** As above, in the run directory {@code out} (null: none), with a progress bar if {@code progress}. */
    public static List<Row> run(Gpt2Model policy, Gpt2Weights referenceWeights, LanguageModelData data, Settings s, Path out, boolean progress) {
        ObjectNode identity = new ObjectMapper().valueToTree(s);
        var rows = RunLoop.run(new DriftRun(policy, referenceWeights, data, s),
                new RunLoop.Options("drift", s.steps() + 1, out, s.steps() + 1, progress, identity, METRICS)).rows();
        return rows.stream().map(Row::of).toList();
    }

    @Override
    public Map<String, Object> step(int step) {
        double klNow = KlPenalty.mean(KlPenalty.perToken(policy.tokenLogProbs(heldOut)[0], refLogps), null);
        double klHeld = periodic.at(step, () -> klNow);
        WeightDivergence d = WeightDivergence.between(policy.weights(), referenceWeights);
        Map<String, Object> row = new LinkedHashMap<>();
        if (step < s.steps()) {
            TokenBatch batch = data.train(step);
            Gradients g = policy.gradients(batch, Loss.tokens(data.meanNllWeights(batch)));
            Optimizer.clippedUpdate(1.0, new Optimizer.Part(opt, policy.parameters(), g.byParameter()));
            row.put("loss", g.loss());
        }
        row.put("kl", klNow);
        row.put("kl_periodic", klHeld);
        row.put("divergence_abs", d.absolute());
        row.put("divergence_rel", d.relative());
        return row;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        return TrainingCheckpoint.Parts.of(policy, opt);
    }

    @Override
    public ObjectNode state() {
        return new ObjectMapper().createObjectNode().put("periodic_kl_held", periodic.held());
    }

    @Override
    public void restore(ObjectNode state) {
        periodic.restore(state.path("periodic_kl_held").asDouble(Double.NaN));
    }

    /** Training and held-out text for the run. */
    public interface LanguageModelData {
        TokenBatch train(int step);

        TokenBatch heldOut();

        /** The same training batch at every step. */
        static LanguageModelData fixed(TokenBatch train, TokenBatch heldOut) {
            return new LanguageModelData() {
                public TokenBatch train(int step) {
                    return train;
                }

                public TokenBatch heldOut() {
                    return heldOut;
                }
            };
        }

        /** ∂(mean negative log-likelihood)/∂logp: −1/N on every real target. */
        default double[][] meanNllWeights(TokenBatch batch) {
            return LmTrainer.meanNllWeights(batch);
        }
    }
}
