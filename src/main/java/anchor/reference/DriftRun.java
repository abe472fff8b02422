package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlPenalty;
import anchor.train.AdamW;
import anchor.train.Optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A short real training run that watches the policy leave its reference: AdamW steps of next-token training on a
 * text the reference never saw, logging at every step the mean per-token KL on a held-out text (every step, and
 * with {@link PeriodicKl}), and document 1's weight divergence.
 */
public final class DriftRun {
    private DriftRun() {
    }

    /** One logged step. */
    public record Row(int step, double loss, double klEveryStep, double klPeriodic, double absoluteDivergence, double relativeDivergence) {
    }

    public record Settings(int steps, double lr, int klEvery) {
    }

    public static List<Row> run(Gpt2Model policy, Gpt2Weights referenceWeights, LanguageModelData data, Settings s) {
        return run(policy, referenceWeights, data, s, step -> { });
    }

    /** As above, calling {@code onStep} after each logged step (for a progress bar). */
    public static List<Row> run(Gpt2Model policy, Gpt2Weights referenceWeights, LanguageModelData data, Settings s,
                                java.util.function.IntConsumer onStep) {
        Gpt2Model reference = Gpt2Model.of(referenceWeights).frozenCopy();
        TokenBatch heldOut = data.heldOut();
        double[] refLogps = reference.tokenLogProbs(heldOut)[0];
        PeriodicKl periodic = new PeriodicKl(s.klEvery());
        Optimizer opt = AdamW.standard(s.lr());
        List<Row> rows = new ArrayList<>();
        for (int step = 0; step <= s.steps(); step++) {
            double klNow = KlPenalty.mean(KlPenalty.perToken(policy.tokenLogProbs(heldOut)[0], refLogps), null);
            double klHeld = periodic.at(step, () -> klNow);
            WeightDivergence d = WeightDivergence.between(policy.weights(), referenceWeights);
            double loss = Double.NaN;
            if (step < s.steps()) {
                TokenBatch batch = data.train(step);
                Gpt2Model.Gradients g = policy.gradients(batch, data.meanNllWeights(batch), null);
                Optimizer.clipGlobalNorm(g.byParameter(), 1.0);
                opt.step(policy.parameters(), g.byParameter());
                loss = g.loss();
            }
            rows.add(new Row(step, loss, klNow, klHeld, d.absolute(), d.relative()));
            onStep.accept(step);
        }
        return rows;
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
            return anchor.train.LmTrainer.meanNllWeights(batch);
        }
    }
}
