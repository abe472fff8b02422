package anchor.reference;

import anchor.docs.Document1;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlPenalty;
import anchor.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every number document 1 prints, reproduced on the gpt2 architecture (124M, seeded random weights: the numbers
 * depend on shapes and on the reference being an exact copy, not on the trained values). Constants, sections and
 * tolerances live in {@link Document1}.
 */
class Document1Test {
    static Gpt2Model policy;
    static Gpt2Model reference;
    static int[] ids;

    @BeforeAll
    static void createPolicyAndReference() {
        policy = Gpt2Model.of(Gpt2Init.random(Gpt2Config.preset("gpt2"), 0));
        reference = ReferenceModel.create(policy);
        ids = Gpt2Tokenizer.gpt2().encode(Document1.TEXT);
    }

    @Test
    void trainableParameters() {
        assertThat(policy.trainableParameterCount()).isEqualTo((long) Document1.POLICY_TRAINABLE.value());
        assertThat(reference.trainableParameterCount()).isEqualTo((long) Document1.REFERENCE_TRAINABLE.value());
    }

    @Test
    void memoryOfFp32AndFp16ReferencesMeasuredFromTheirArrays() {
        LanguageModel fp16 = ReferenceModel.create(policy, ReferenceModel.Placement.FP16);
        double fp32Mb = reference.parameterBytes() / (1024.0 * 1024.0), fp16Mb = fp16.parameterBytes() / (1024.0 * 1024.0);
        assertThat(Document1.FP32_MB.matches(fp32Mb)).as("FP32 %.2f MB", fp32Mb).isTrue();
        assertThat(Document1.FP16_MB.matches(fp16Mb)).as("FP16 %.2f MB", fp16Mb).isTrue();
        assertThat(Document1.SAVINGS_MB.matches(fp32Mb - fp16Mb)).isTrue();
        assertThat(Document1.SAVINGS_PERCENT.matches(Math.round((fp32Mb - fp16Mb) / fp32Mb * 100))).isTrue();
    }

    @Test
    void tokensShapeAndZeroKl() {
        assertThat(Arrays.stream(ids).boxed().toList()).isEqualTo(Document1.TOKENS);
        TokenBatch batch = TokenBatch.of(ids);
        double[][] p = policy.tokenLogProbs(batch), r = reference.tokenLogProbs(batch);
        assertThat(List.of(p.length, p[0].length)).isEqualTo(Document1.LOGPROB_SHAPE);
        double[] kl = KlPenalty.perToken(p[0], r[0]);
        for (double k : kl) assertThat(Document1.PER_TOKEN_KL.matches(k)).as("per-token KL %s", k).isTrue();
        assertThat(Document1.MEAN_KL.matches(KlPenalty.mean(kl, null))).isTrue();
    }

    @Test
    void verificationPrintsFalseTrueTrue() {
        FrozenCheck check = FrozenCheck.of(policy, reference);
        assertThat(check.anyRequiresGrad()).isFalse();
        assertThat(check.weightsEqual()).isTrue();
        assertThat(check.evalMode()).isTrue();
        assertThat(check.allGood()).isTrue();
    }

    @Test
    void divergenceIsZeroBeforeTraining() {
        Gpt2Weights w = policy.weights();
        WeightDivergence d = WeightDivergence.between(w, reference.weights());
        assertThat(Document1.ABSOLUTE_DIVERGENCE.matches(d.absolute())).isTrue();
        assertThat(Document1.RELATIVE_DIVERGENCE.matches(d.relative())).isTrue();
    }
}
