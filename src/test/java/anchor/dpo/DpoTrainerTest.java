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
    static final DpoTrainer.Settings S = new DpoTrainer.Settings(0.5, DpoLoss.Variant.SIGMOID, 0, 3, 1, 32, 0, 1, false, true);

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
            DpoTrainer.step(a, ref, null, pairs, new int[]{0, 1, 2}, S, new Sgd(1.0), step);
            DpoTrainer.step(b, null, pre, pairs, new int[]{0, 1, 2}, S, new Sgd(1.0), step);
        }
        assertThat(meanLoss(a, ref, pairs)).isLessThan(before);
        assertThat(a.parameter("h.0.mlp.c_fc.weight")).containsExactly(b.parameter("h.0.mlp.c_fc.weight"), within(1e-6f));
    }
}
