package anchor.experiments;

import anchor.data.PreferencePair;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoReference;
import anchor.data.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.world.PreferenceData;
import anchor.world.World;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Document 3's mitigation for distribution shift ("DPO’s Limitation: Distribution Shift", "Mitigations": iterative DPO): after one round, sample fresh pairs
 * from the trained policy on the training prompts (the same prompts and sampling seeds as the world's data), label them with the gold reward (the same Bradley–Terry draw that
 * made the world's data), and run a second round from the round-1 policy with the round-1 policy as its reference.
 * Compared with one round and with one round of twice the steps (the same number of updates). KL is reported to the
 * SFT model for every row, so the columns compare.
 */
public final class IterativeDpo {
    private IterativeDpo() {
    }

    public static List<Experiments.Row> run(Experiments.Setup setup, double beta, PrintWriter log) {
        Experiments.Plan plan = setup.plan();
        DpoReference.Precomputed pre = DpoReference.precompute(setup.sftModel(), setup.data(), plan.batch());
        List<Experiments.Row> rows = new ArrayList<>();
        for (long seed : plan.seeds()) {
            log.printf("anchor: iterative: round 1 (%d steps), seed %d%n", plan.steps(), seed);
            Experiments.Trained round1 = Experiments.train(setup, setup.sft(), pre, setup.data(), DpoLoss.Variant.SIGMOID, beta, seed, plan.steps());
            rows.add(Experiments.evaluate(setup, "one round", "SFT", round1, setup.sftModel(), DpoLoss.Variant.SIGMOID, beta, seed));

            log.printf("anchor: iterative: one round of %d steps, seed %d%n", 2 * plan.steps(), seed);
            Experiments.Trained longer = Experiments.train(setup, setup.sft(), pre, setup.data(), DpoLoss.Variant.SIGMOID, beta, seed, 2 * plan.steps());
            rows.add(Experiments.evaluate(setup, "one round, twice the steps", "SFT", longer, setup.sftModel(), DpoLoss.Variant.SIGMOID, beta, seed));

            log.printf("anchor: iterative: sampling %d new pairs from the round-1 policy%n", setup.data().size());
            Gpt2Model policy1 = round1.policy().frozenCopy();
            List<PreferencePair> fresh = PreferenceData.generate(policy1, World.TRAIN_PROMPT_SEED, setup.data().size());
            List<PreferenceBatch> data2 = Experiments.tokenize(fresh);
            DpoReference.Precomputed pre2 = DpoReference.precompute(policy1, data2, plan.batch());
            log.printf("anchor: iterative: round 2 (%d steps) against the round-1 policy, seed %d%n", plan.steps(), seed);
            Experiments.Trained round2 = Experiments.train(setup, round1.policy().weights(), pre2, data2, DpoLoss.Variant.SIGMOID, beta, seed + 1, plan.steps());
            Experiments.Trained both = new Experiments.Trained(round2.policy(), 2 * plan.steps(), round2.trainLoss(), round2.trainAccuracy(), round2.chosenLogp());
            rows.add(Experiments.evaluate(setup, "two rounds (new pairs from round 1)", "round-1 policy", both, setup.sftModel(), DpoLoss.Variant.SIGMOID, beta, seed));
        }
        return rows;
    }
}
