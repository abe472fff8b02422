package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.testing.TestModels;
import anchor.train.Sgd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Exercise 2.1. */
@Tag("exercise")
class ReferenceModelExerciseTest {
    final Gpt2Weights w = TestModels.allRandom(TestModels.tiny(), 5);

    @Test
    void frozenDeepCopyThatDoesNotMoveWithThePolicy() {
        Gpt2Model policy = Gpt2Model.of(w);
        Gpt2Model ref = ReferenceModel.create(policy);
        assertThat(ref.trainableParameterCount()).isZero();
        assertThat(ref.inEvalMode()).isTrue();
        TokenBatch batch = TokenBatch.of(1, 2, 3, 4);
        var g = policy.gradients(batch, Loss.tokens(new double[][]{{-1, -1, -1}}));
        new Sgd(0.1).step(policy.parameters(), g.byParameter());
        assertThat(ref.parameter("h.0.attn.c_attn.weight")).isEqualTo(w.get("h.0.attn.c_attn.weight"));
        assertThat(policy.parameter("h.0.attn.c_attn.weight")).isNotEqualTo(w.get("h.0.attn.c_attn.weight"));
    }

    @Test
    void fp16AndCpuPlacements() {
        Gpt2Model policy = Gpt2Model.of(w);
        LanguageModel half = ReferenceModel.create(policy, ReferenceModel.Placement.FP16);
        LanguageModel cpu = ReferenceModel.create(policy, ReferenceModel.Placement.CPU);
        assertThat(half.parameterBytes()).isEqualTo(policy.parameterBytes() / 2);
        assertThat(half.trainableParameterCount()).isZero();
        assertThat(cpu).isInstanceOf(CpuReference.class);
        assertThat(ReferenceModel.create(policy, ReferenceModel.Placement.FP32).parameterBytes()).isEqualTo(policy.parameterBytes());
    }
}
