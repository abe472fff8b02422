package anchor.experiments;

import anchor.dpo.DpoLoss;
import anchor.dpo.DpoReference;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.train.LmTrainer;
import anchor.world.GoldReward;
import anchor.world.Language;
import anchor.world.World;
import anchor.world.WorldEval;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Document 2's third question ("Key Results": stronger references help when compatible) at toy scale. Two references
 * stronger than the SFT model — their own samples earn more gold reward — built from a corpus of kind stories only
 * (gold &gt; 0, "different data"):
 * <ul>
 *   <li><b>compatible</b>: the SFT model trained further on it (same initialisation, same pretraining, more training);</li>
 *   <li><b>incompatible</b>: a model of the same shape from another initialisation trained only on it (it never saw the
 *       SFT's corpus).</li>
 * </ul>
 * The policy always starts from the SFT model; each reference's compatibility is measured as KL(SFT ‖ reference) on
 * the SFT's own samples, its strength by evaluating it like a policy.
 */
public final class StrongerReference {
    private StrongerReference() {
    }

    /** The "different data": stories whose gold reward is positive. */
    static final Predicate<String> KIND = story -> GoldReward.of(story) > 0;
    static final long CORPUS_SEED = 4242, INCOMPATIBLE_INIT_SEED = 777;

    /** Language-model steps for building each reference. */
    public record Budget(int compatibleSteps, int incompatibleSteps) {
        public Budget {
            if (compatibleSteps < 1 || incompatibleSteps < 1) throw new anchor.AnchorException("--reference-steps must be >= 1 each");
        }
    }

    public static Gpt2Weights compatible(Gpt2Weights sft, int steps, Path out) {
        Gpt2Model m = Gpt2Model.of(sft);
        return lm(m, steps, 3e-4, out);
    }

    public static Gpt2Weights incompatible(int steps, Path out) {
        return lm(World.randomModel(INCOMPATIBLE_INIT_SEED), steps, 3e-3, out);
    }

    /**
     * Trains {@code m} on the kind corpus with the pretraining recipe, or loads the result of an earlier run of the same
     * settings from {@code out} (its checkpoint is at the last step, so nothing is retrained).
     */
    private static Gpt2Weights lm(Gpt2Model m, int steps, double lr, Path out) {
        var s = LmTrainer.Settings.pretraining(steps, lr, CORPUS_SEED, steps);
        LmTrainer.train(m, s.optimizer(), step -> World.batch(CORPUS_SEED, step, 8, KIND), s, out, false);
        return m.weights();
    }

    /** Rows: each reference evaluated as a policy (its strength), then DPO from the SFT model against each, at each β and seed. */
    public static List<Experiments.Row> run(Experiments.Setup setup, List<Double> betas, Budget budget, Path out, PrintWriter log) {
        log.printf("anchor: stronger-reference: training the compatible reference (%d steps)%n", budget.compatibleSteps());
        Gpt2Weights compatible = compatible(setup.sft(), budget.compatibleSteps(), out.resolve("references/compatible"));
        log.printf("anchor: stronger-reference: training the incompatible reference (%d steps)%n", budget.incompatibleSteps());
        Gpt2Weights incompatible = incompatible(budget.incompatibleSteps(), out.resolve("references/incompatible"));
        record Ref(String name, Gpt2Model model) {
        }
        List<Ref> refs = List.of(new Ref("SFT", setup.sftModel()), new Ref("compatible", Gpt2Model.frozen(compatible)),
                new Ref("incompatible", Gpt2Model.frozen(incompatible)));
        List<Experiments.Row> rows = new ArrayList<>();
        for (Ref ref : refs.subList(1, refs.size())) {
            // the reference's own strength (KL column: KL(reference ‖ SFT) on its samples), and KL(SFT ‖ reference) on the SFT's
            var compat = WorldEval.evaluate(setup.sftModel(), ref.model(), setup.sftModel(), setup.prompts(), Experiments.EVAL_SEED);
            String label = String.format(java.util.Locale.ROOT, "%s reference itself (KL(SFT ‖ it) = %.2f)", ref.name(), compat.sampledKl());
            Experiments.Trained asPolicy = new Experiments.Trained(ref.model(), 0, Double.NaN, Double.NaN, Experiments.chosenLogp(ref.model(), setup.data()));
            Experiments.Row self = Experiments.evaluate(setup, label, "-", asPolicy, setup.sftModel(), DpoLoss.Variant.SIGMOID, Double.NaN, 0);
            log.printf("anchor: %s%n", label);
            rows.add(self);
        }
        for (Ref ref : refs) {
            DpoReference.Precomputed pre = DpoReference.precompute(ref.model(), setup.data(), setup.plan().batch());
            for (double beta : betas) {
                for (long seed : setup.plan().seeds()) {
                    log.printf("anchor: stronger-reference: %s reference, β = %s, seed %d%n", ref.name(), beta, seed);
                    Experiments.Trained t = Experiments.train(setup, setup.sft(), pre, setup.data(), DpoLoss.Variant.SIGMOID, beta, seed, setup.plan().steps());
                    rows.add(Experiments.evaluate(setup, "DPO, " + ref.name() + " reference", ref.name(), t, ref.model(), DpoLoss.Variant.SIGMOID, beta, seed));
                }
            }
        }
        return rows;
    }
}
