package anchor.cli;

import anchor.dpo.PairLogProbs;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoReference;
import anchor.dpo.DpoSettings;
import anchor.dpo.DpoTrainer;
import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.logprobs.SequenceLogProbs;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.AdamW;
import anchor.train.RunLoop;
import anchor.world.World;

import java.util.List;

/** Tour chapter 4: document 3's loss on the world's SFT model, its four passes, and a short DPO run. */
final class DpoTour {
    private DpoTour() {
    }

    static final int PROBE = 32, STEPS = 10;

    static void run(Tour tour) {
        tour.chapter("dpo", "DPO: the loss, its four forward passes, and a short run", "chapters/04-dpo.md; document 3");
        Gpt2Weights sft = World.sftWeights();
        Gpt2Model policy = Gpt2Model.of(sft), reference = Gpt2Model.frozen(sft);
        DpoSettings s = DpoSettings.DEFAULTS.withSteps(STEPS).withMaxLength(World.SEQ_LEN);
        List<PreferenceBatch> data = PairBatches.tokenize(World.trainPairs(), World.tokenizer(), s.eos(), s.maxLength());
        PreferenceBatch p = data.get(0);
        double pc = sum(policy, p.chosen(), p.chosenMask()), pr = sum(policy, p.rejected(), p.rejectedMask());
        double rc = sum(reference, p.chosen(), p.chosenMask()), rr = sum(reference, p.rejected(), p.rejectedMask());
        DpoLoss.Result first = DpoLoss.dpoLoss(pc, pr, rc, rr, 0.1);
        tour.check("loss when policy = reference (\"The DPO Loss Function\")", "-log σ(0) = ln 2 = 0.693147",
                String.format("%.6f", first.loss()), Math.abs(first.loss() - Math.log(2)) < 1e-12);
        var concatenated = DpoTrainer.evaluate(policy, new DpoReference.Resident(reference), data, new int[]{0}, s, 0).metrics();
        tour.bar("four separate passes = one concatenated batch", "equal to 1e-3 (TRL concatenates)",
                String.format("log π(y_w) %.4f vs %.4f", pc, concatenated.logpsChosen()), Math.abs(pc - concatenated.logpsChosen()) < 1e-3);
        List<PreferenceBatch> probe = data.subList(0, PROBE);
        DpoReference.Precomputed pre = DpoReference.precompute(reference, data, 16);
        double before = DpoTrainer.meanLogRatioMargin(policy, pre, probe);
        RunLoop.run(new DpoTrainer(policy, null, pre, data, s, AdamW.standard(3e-4)), RunLoop.Options.inMemory("dpo", STEPS));
        double after = DpoTrainer.meanLogRatioMargin(policy, pre, probe);
        tour.check(STEPS + " DPO steps widen the chosen-rejected gap (\"What the Loss Pushes\")", "gap grows",
                String.format("mean margin %+.4f → %+.4f nats", before, after), after > before);
        // the same section's two bullets, one response at a time: the log-ratios were 0 before training (policy = reference)
        double chosen = 0, rejected = 0;
        double[][] now = PairLogProbs.of(policy, probe, 16);                       // [i] = {chosen, rejected}
        for (int i = 0; i < PROBE; i++) {
            chosen += (now[i][0] - pre.logps()[i][0]) / PROBE;
            rejected += (now[i][1] - pre.logps()[i][1]) / PROBE;
        }
        tour.slip("the preferred response, relative to the reference", "more likely (log-ratio > 0)", String.format("mean log-ratio %+.4f nats", chosen), chosen > 0);
        tour.slip("the rejected response, relative to the reference", "less likely (log-ratio < 0)", String.format("mean log-ratio %+.4f nats", rejected), rejected < 0);
        if (chosen <= 0) tour.note("the gap widened by pushing both responses down, the rejected one faster (likelihood displacement; chapter 4)");
        tour.note("document 2's questions: ./anchor experiment beta-sweep | reference-free | stronger-reference | iterative (chapters/05-reference-policies.md)");
    }

    private static double sum(Gpt2Model m, anchor.gpt2.TokenBatch b, int[][] mask) {
        return SequenceLogProbs.summed(m.tokenLogProbs(b), mask)[0];
    }
}
