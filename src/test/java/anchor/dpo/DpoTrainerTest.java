package anchor.dpo;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.testing.TestModels;
import anchor.train.Sgd;
import anchor.world.PreferenceData;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DpoTrainerTest {
    static final Gpt2Config C = new Gpt2Config(1, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
    static final List<PreferenceData.Pair> DATA = List.of(
            new PreferenceData.Pair("<|endoftext|>The dog sings.", " A kind cat smiles.", " A cruel cat bites the dog.", 2, -2),
            new PreferenceData.Pair("The king is sad.", " The queen helps the king.", " The queen cries.", 1, -1),
            new PreferenceData.Pair("A bird sleeps.", " The fox waits.", " The fox kicks a bird angrily.", 0, -2));
    static final DpoTrainer.Settings S = new DpoTrainer.Settings(0.5, DpoLoss.Variant.SIGMOID, 0, 3, 1, 1, 32, 0, 1, true);

    static double meanLoss(Gpt2Model policy, Gpt2Model ref, List<PreferenceBatch> pairs) {
        return DpoTrainer.evaluate(policy, ref, null, pairs, new int[]{0, 1, 2}, S, 0).metrics().loss();
    }

    @Test
    void policyEqualToReferenceGivesLn2AndZeroRewards() {
        Gpt2Model policy = Gpt2Model.of(TestModels.allRandom(C, 3));
        var pairs = DpoTrainer.tokenize(DATA, S);
        var m = DpoTrainer.evaluate(policy, policy.frozenCopy(), null, pairs, new int[]{0, 1, 2}, S, 0).metrics();
        assertThat(m.loss()).isCloseTo(Math.log(2), within(1e-12));
        assertThat(m.rewardsChosen()).isZero();
        assertThat(m.rewardsRejected()).isZero();
    }

    @Test
    void gradientIsTheDpoLossGradient() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        Gpt2Model ref = Gpt2Model.of(TestModels.allRandom(C, 4), DataType.DOUBLE, true);
        Gpt2Model policy = Gpt2Model.of(w, DataType.DOUBLE, false);
        var pairs = DpoTrainer.tokenize(DATA, S);
        var e = DpoTrainer.evaluate(policy, ref, null, pairs, new int[]{0, 1, 2}, S, 0);
        String[] names = {"wte.weight", "h.0.attn.c_attn.weight", "ln_f.bias", "wpe.weight"};
        long[][] at = {{317, 2}, {3, 5}, {1}, {4, 0}};
        for (int i = 0; i < names.length; i++) {
            INDArray p = policy.parameters().get(names[i]);
            double orig = p.getDouble(at[i]), eps = 1e-5;
            p.putScalar(at[i], orig + eps);
            double up = meanLoss(policy, ref, pairs);
            p.putScalar(at[i], orig - eps);
            double down = meanLoss(policy, ref, pairs);
            p.putScalar(at[i], orig);
            assertThat(e.gradients().get(names[i]).getDouble(at[i])).as(names[i]).isCloseTo((up - down) / (2 * eps), within(1e-7));
        }
    }

    @Test
    void sgdStepsLowerTheLossAndPrecomputedReferenceGivesTheSameStep() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        var pairs = DpoTrainer.tokenize(DATA, S);
        Gpt2Model a = Gpt2Model.of(w), b = Gpt2Model.of(w);
        Gpt2Model ref = Gpt2Model.of(w).frozenCopy();
        double[][] pre = DpoTrainer.referenceLogps(ref, pairs, 2);
        double before = meanLoss(a, ref, pairs);
        for (int step = 0; step < 3; step++) {
            DpoTrainer.step(a, ref, null, pairs, S, new Sgd(1.0), step);
            DpoTrainer.step(b, null, pre, pairs, S, new Sgd(1.0), step);
        }
        assertThat(meanLoss(a, ref, pairs)).isLessThan(before);
        assertThat(a.parameter("h.0.mlp.c_fc.weight")).containsExactly(b.parameter("h.0.mlp.c_fc.weight"), within(1e-6f));
    }

    @Test
    void concatenatedBatchEqualsTheFourSeparateForwardPasses() {
        Gpt2Model policy = Gpt2Model.of(TestModels.allRandom(C, 3), DataType.DOUBLE, false);
        Gpt2Model ref = Gpt2Model.of(TestModels.allRandom(C, 4), DataType.DOUBLE, true);
        var pairs = DpoTrainer.tokenize(DATA, S);
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
        var m = DpoTrainer.evaluate(policy, ref, null, pairs, new int[]{0, 1, 2}, S, 0).metrics();
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
        var pairs = DpoTrainer.tokenize(DATA, S);
        Gpt2Model ref = Gpt2Model.of(TestModels.allRandom(C, 4)).frozenCopy();
        Gpt2Model one = Gpt2Model.of(w), accumulated = Gpt2Model.of(w);
        var big = new DpoTrainer.Settings(0.5, DpoLoss.Variant.SIGMOID, 0, 4, 1, 2, 32, 0, 1, true);
        var micro = new DpoTrainer.Settings(0.5, DpoLoss.Variant.SIGMOID, 0, 2, 2, 2, 32, 0, 1, true);
        for (int step = 0; step < 2; step++) {
            var a = DpoTrainer.step(one, ref, null, pairs, big, new Sgd(0.5), step);
            var b = DpoTrainer.step(accumulated, ref, null, pairs, micro, new Sgd(0.5), step);
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-6));
            assertThat(b.gradNorm()).isCloseTo(a.gradNorm(), within(1e-5));
        }
        assertThat(accumulated.parameter("h.0.attn.c_attn.weight")).containsExactly(one.parameter("h.0.attn.c_attn.weight"), within(1e-6f));
        assertThat(accumulated.parameter("wte.weight")).containsExactly(one.parameter("wte.weight"), within(1e-6f));
    }

    @Test
    void klToTheReferenceIsZeroForTheReferenceItselfAndGrowsWithTraining() {
        Gpt2Weights w = TestModels.allRandom(C, 3);
        var pairs = DpoTrainer.tokenize(DATA, S);
        Gpt2Model policy = Gpt2Model.of(w), ref = Gpt2Model.of(w).frozenCopy();
        var first = DpoTrainer.step(policy, ref, null, pairs, S, new Sgd(2.0), 0);
        var second = DpoTrainer.step(policy, ref, null, pairs, S, new Sgd(2.0), 1);
        assertThat(first.kl()).isZero();
        assertThat(second.kl()).isPositive();
        assertThat(DpoTrainer.step(policy, null, DpoTrainer.referenceLogps(ref, pairs, 3), pairs, S, new Sgd(2.0), 2).kl())
                .as("no resident reference: no KL").isNaN();
    }

    @Test
    void epochsBecomeSteps() {
        assertThat(DpoTrainer.Settings.stepsForEpochs(1, 512, 8, 1)).isEqualTo(64);
        assertThat(DpoTrainer.Settings.stepsForEpochs(2.5, 100, 8, 2)).isEqualTo(16);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DpoTrainer.Settings.stepsForEpochs(0, 10, 1, 1))
                .hasMessageContaining("--epochs must be");
    }
}
