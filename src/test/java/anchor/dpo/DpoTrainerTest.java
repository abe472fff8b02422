package anchor.dpo;

import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.testing.TestModels;
import anchor.train.Sgd;
import anchor.data.PreferencePair;
import anchor.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DpoTrainerTest {
    static final Gpt2Config C = new Gpt2Config(1, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
    static final List<PreferencePair> DATA = List.of(
            new PreferencePair("<|endoftext|>The dog sings.", " A kind cat smiles.", " A cruel cat bites the dog.", 2, -2),
            new PreferencePair("The king is sad.", " The queen helps the king.", " The queen cries.", 1, -1),
            new PreferencePair("A bird sleeps.", " The fox waits.", " The fox kicks a bird angrily.", 0, -2));
    static final DpoSettings S = DpoSettings.DEFAULTS.withBeta(0.5).withBatch(3).withSteps(1).withMaxLength(32).withMaxGradNorm(0).withSeed(1);

    static java.util.List<PreferenceBatch> tokenize(List<PreferencePair> data, DpoSettings s) {
        return PairBatches.tokenize(data, Gpt2Tokenizer.gpt2(), s.eos(), s.maxLength());
    }

    static DpoTrainer.Metrics step(Gpt2Model policy, DpoReference ref, List<PreferenceBatch> pairs, DpoSettings s, anchor.train.Optimizer opt, int step) {
        return new DpoTrainer(policy, null, ref, pairs, s, opt).update(step);
    }

    static DpoReference resident(Gpt2Model ref) {
        return new DpoReference.Resident(ref);
    }

    static double meanLoss(Gpt2Model policy, Gpt2Model ref, List<PreferenceBatch> pairs) {
        return DpoTrainer.evaluate(policy, resident(ref), pairs, new int[]{0, 1, 2}, S, 0).metrics().loss();
    }

    @Test
    void policyEqualToReferenceGivesLn2AndZeroRewards() {
        Gpt2Model policy = Gpt2Model.of(TestModels.allRandom(C, 3));
        var pairs = tokenize(DATA, S);
        var m = DpoTrainer.evaluate(policy, resident(policy.frozenCopy()), pairs, new int[]{0, 1, 2}, S, 0).metrics();
        assertThat(m.loss()).isCloseTo(Math.log(2), within(1e-12));
        assertThat(m.rewardsChosen()).isZero();
        assertThat(m.rewardsRejected()).isZero();
    }

    @Test
    void gradientIsTheDpoLossGradient() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        Gpt2Model ref = Gpt2Model.of(TestModels.allRandom(C, 4), DataType.DOUBLE, true);
        Gpt2Model policy = Gpt2Model.of(w, DataType.DOUBLE, false);
        var pairs = tokenize(DATA, S);
        var e = DpoTrainer.evaluate(policy, resident(ref), pairs, new int[]{0, 1, 2}, S, 0);
        String[] names = {"wte.weight", "h.0.attn.c_attn.weight", "ln_f.bias", "wpe.weight"};
        long[][] at = {{317, 2}, {3, 5}, {1}, {4, 0}};
        for (int i = 0; i < names.length; i++) {
            double numeric = anchor.testing.FiniteDifferences.central(policy.parameters().get(names[i]), at[i], 1e-5, () -> meanLoss(policy, ref, pairs));
            assertThat(e.gradients().get(names[i]).getDouble(at[i])).as(names[i]).isCloseTo(numeric, within(1e-7));
        }
    }

    @Test
    void sgdStepsLowerTheLossAndPrecomputedReferenceGivesTheSameStep() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        var pairs = tokenize(DATA, S);
        Gpt2Model a = Gpt2Model.of(w), b = Gpt2Model.of(w);
        Gpt2Model ref = Gpt2Model.of(w).frozenCopy();
        DpoReference pre = DpoReference.precompute(ref, pairs, 2);
        double before = meanLoss(a, ref, pairs);
        for (int step = 0; step < 3; step++) {
            step(a, resident(ref), pairs, S, new Sgd(1.0), step);
            step(b, pre, pairs, S, new Sgd(1.0), step);
        }
        assertThat(meanLoss(a, ref, pairs)).isLessThan(before);
        assertThat(a.parameter("h.0.mlp.c_fc.weight")).containsExactly(b.parameter("h.0.mlp.c_fc.weight"), within(1e-6f));
    }

    @Test
    void concatenatedBatchEqualsTheFourSeparateForwardPasses() {
        Gpt2Model policy = Gpt2Model.of(TestModels.allRandom(C, 3), DataType.DOUBLE, false);
        Gpt2Model ref = Gpt2Model.of(TestModels.allRandom(C, 4), DataType.DOUBLE, true);
        var pairs = tokenize(DATA, S);
        double loss = 0, chosenReward = 0, rejectedReward = 0;
        for (PreferenceBatch p : pairs) {
            // document 3's four passes, one sequence each: policy and reference on chosen, policy and reference on rejected
            double pc = sum(policy, p.chosen(), p.chosenMask()), rc = sum(ref, p.chosen(), p.chosenMask());
            double pr = sum(policy, p.rejected(), p.rejectedMask()), rr = sum(ref, p.rejected(), p.rejectedMask());
            DpoLoss.Result r = DpoLoss.dpoLoss(pc, pr, rc, rr, S.beta());
            loss += r.loss() / pairs.size();
            chosenReward += r.chosenReward() / pairs.size();
            rejectedReward += r.rejectedReward() / pairs.size();
        }
        var m = DpoTrainer.evaluate(policy, resident(ref), pairs, new int[]{0, 1, 2}, S, 0).metrics();
        assertThat(m.loss()).isCloseTo(loss, within(1e-10));
        assertThat(m.rewardsChosen()).isCloseTo(chosenReward, within(1e-10));
        assertThat(m.rewardsRejected()).isCloseTo(rejectedReward, within(1e-10));
        assertThat(m.kl()).isPositive();
    }

    private static double sum(Gpt2Model m, anchor.gpt2.TokenBatch b, int[][] mask) {
        return anchor.logprobs.SequenceLogProbs.summed(m.tokenLogProbs(b), mask)[0];
    }

    @Test
    void gradientAccumulationEqualsOneLargerBatch() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        var pairs = tokenize(DATA, S);
        Gpt2Model ref = Gpt2Model.of(TestModels.allRandom(C, 4)).frozenCopy();
        Gpt2Model one = Gpt2Model.of(w), accumulated = Gpt2Model.of(w);
        var big = S.withBatch(4).withSteps(2);
        var micro = S.withBatch(2).withGradAccum(2).withSteps(2);
        for (int step = 0; step < 2; step++) {
            var a = step(one, resident(ref), pairs, big, new Sgd(0.5), step);
            var b = step(accumulated, resident(ref), pairs, micro, new Sgd(0.5), step);
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-6));
            assertThat(b.gradNorm()).isCloseTo(a.gradNorm(), within(1e-5));
        }
        assertThat(accumulated.parameter("h.0.attn.c_attn.weight")).containsExactly(one.parameter("h.0.attn.c_attn.weight"), within(1e-6f));
        assertThat(accumulated.parameter("wte.weight")).containsExactly(one.parameter("wte.weight"), within(1e-6f));
    }

    @Test
    void klToTheReferenceIsZeroForTheReferenceItselfAndGrowsWithTraining() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        var pairs = tokenize(DATA, S);
        Gpt2Model policy = Gpt2Model.of(w), ref = Gpt2Model.of(w).frozenCopy();
        var first = step(policy, resident(ref), pairs, S, new Sgd(2.0), 0);
        var second = step(policy, resident(ref), pairs, S, new Sgd(2.0), 1);
        assertThat(first.kl()).isZero();
        assertThat(second.kl()).isPositive();
        assertThat(step(policy, DpoReference.precompute(ref, pairs, 3), pairs, S, new Sgd(2.0), 2).kl())
                .as("no resident reference: no KL").isNaN();
    }

    @Test
    void epochsBecomeSteps() {
        assertThat(DpoSettings.stepsForEpochs(1, 512, 8, 1)).isEqualTo(64);
        assertThat(DpoSettings.stepsForEpochs(2.5, 100, 8, 2)).isEqualTo(16);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DpoSettings.stepsForEpochs(0, 10, 1, 1))
                .hasMessageContaining("--epochs must be");
    }
}
