package anchor.exact;

import anchor.data.PreferenceBatch;
import anchor.data.PromptResponse;
import anchor.dpo.DpoReference;
import anchor.dpo.DpoSettings;
import anchor.dpo.DpoTrainer;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.train.AdamW;
import anchor.train.EvaluatedTrainer;
import anchor.train.RunLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * DPO in the exact world, measured against its target (#40, item 4): pairs of responses drawn from π_ref and labelled
 * by the Bradley–Terry model of the world's reward, P(y_1 ≻ y_2) = σ(r(y_1) − r(y_2)); the DPO trainer itself, from
 * π_ref; and, every {@code every} steps, the exact KL(π_θ ‖ π*) to the optimum of E[r] − β·KL at the same β, which by
 * J(π) = β·log Z − β·KL(π ‖ π*) is the objective still missing, in units of β. Chapter 4's derivation says DPO on
 * such data aims at π*; this shows how near it gets, with finite pairs and steps.
 */
public final class ExactDpo {
    private ExactDpo() {
    }

    /** The run's settings: β, the pairs drawn, steps, learning rate (AdamW), seed, and how often to measure. */
    public record Settings(double beta, int pairs, int steps, int batch, double lr, long seed, int every, int maxLength) {
        public static final Settings DEFAULTS = new Settings(0.5, 512, 200, 16, 1e-2, 0, 20, 4);

        public Settings withSteps(int n) {
            return new Settings(beta, pairs, n, batch, lr, seed, every, maxLength);
        }

        public Settings withBeta(double b) {
            return new Settings(b, pairs, steps, batch, lr, seed, every, maxLength);
        }

        public Settings withSeed(long n) {
            return new Settings(beta, pairs, steps, batch, lr, n, every, maxLength);
        }
    }

    /** One measurement: after {@code step} steps, the exact KL to π* and to π_ref, and J. */
    public record Point(int step, double klToOptimum, double klToReference, double objective) {
    }

    public static List<Point> run(Gpt2Weights referenceWeights, ExactReward reward, Settings s) {
        Gpt2Model reference = Gpt2Model.frozen(referenceWeights), policy = Gpt2Model.of(referenceWeights);
        int[] x = {referenceWeights.config().eotId()};
        List<int[]> ys = Responses.all(referenceWeights.config().vocabSize(), s.maxLength());
        double[] r = reward.of(ys);
        ExactDistribution ref = ExactDistribution.of(reference, x, ys, 1.0);
        ExactOptimum star = ExactOptimum.of(ref, r, s.beta());
        List<PreferenceBatch> pairs = pairs(ref, r, x, s, referenceWeights.config().nPositions());
        DpoSettings ds = DpoSettings.DEFAULTS.withBeta(s.beta()).withBatch(s.batch()).withSteps(s.steps()).withSeed(s.seed());
        var dpo = new DpoTrainer(policy, () -> referenceWeights, new DpoReference.Resident(reference), pairs, ds, AdamW.standard(s.lr()));
        List<Point> points = new ArrayList<>();
        var trainer = new EvaluatedTrainer(dpo, s.every(), true, () -> {
            ExactDistribution pi = ExactDistribution.of(policy, x, ys, 1.0);
            ExactObjective j = ExactObjective.of(pi, ref, r, s.beta());
            return Map.of("exact/kl_to_optimum", pi.klTo(star.distribution()).kl(), "exact/kl", j.kl(), "exact/objective", j.objective());
        });
        RunLoop.run(trainer, RunLoop.Options.inMemory("dpo", s.steps()));
        trainer.evaluateNow(s.steps());
        trainer.evaluations().forEach((step, e) -> points.add(new Point(step, (Double) e.get("exact/kl_to_optimum"), (Double) e.get("exact/kl"), (Double) e.get("exact/objective"))));
        return points;
    }

    /** {@code s.pairs()} pairs of two different responses drawn from π_ref, ordered by a Bradley–Terry draw on r. */
    static List<PreferenceBatch> pairs(ExactDistribution ref, double[] r, int[] x, Settings s, int maxLength) {
        double[] cdf = new double[r.length];
        double acc = 0;
        for (int i = 0; i < r.length; i++) cdf[i] = acc += Math.exp(ref.logProb()[i]);
        Random rng = new Random(s.seed());
        List<PreferenceBatch> out = new ArrayList<>();
        while (out.size() < s.pairs()) {
            int a = draw(cdf, rng), b = draw(cdf, rng);
            if (a == b) continue;                                                            // a pair of one response says nothing
            boolean aWins = rng.nextDouble() < 1 / (1 + Math.exp(-(r[a] - r[b])));           // σ(r_a − r_b)
            int w = aWins ? a : b, l = aWins ? b : a;
            out.add(PreferenceBatch.of(x, ref.responses().get(w), ref.responses().get(l), PromptResponse.NO_END, maxLength));
        }
        return out;
    }

    private static int draw(double[] cdf, Random rng) {
        double u = rng.nextDouble() * cdf[cdf.length - 1];
        int i = java.util.Arrays.binarySearch(cdf, u);
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
}
