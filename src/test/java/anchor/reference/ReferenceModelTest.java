package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.testing.Comparator;
import anchor.testing.TestModels;
import anchor.train.AdamW;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceModelTest {
    final Gpt2Weights init = TestModels.allRandom(TestModels.tiny(), 21);

    static DriftRun.LanguageModelData data() {
        TokenBatch train = TokenBatch.padded(new int[][]{{464, 3797, 3332, 319, 262, 2603, 13}, {40, 588, 257, 1332, 13}}, false);
        TokenBatch held = TokenBatch.of(464, 3290, 318, 257, 922, 3290, 13);
        return DriftRun.LanguageModelData.fixed(train, held);
    }

    @Test
    void referenceStaysBitIdenticalWhileThePolicyTrains() {
        Gpt2Model policy = Gpt2Model.of(init);
        Gpt2Model reference = ReferenceModel.create(policy);
        Gpt2Weights before = reference.weights();
        TokenBatch batch = data().train(0);
        AdamW opt = AdamW.standard(1e-2);
        for (int i = 0; i < 3; i++) {
            var g = policy.gradients(batch, Loss.tokens(data().meanNllWeights(batch)));
            opt.step(policy.parameters(), g.byParameter());
        }
        Gpt2Weights after = reference.weights(), trained = policy.weights();
        for (String k : before.tensors().keySet()) {
            assertThat(after.get(k)).as("reference " + k).isEqualTo(before.get(k));
            assertThat(trained.get(k)).as("policy " + k).isNotEqualTo(before.get(k));
        }
        FrozenCheck check = FrozenCheck.of(policy, reference);
        assertThat(check.weightsEqual()).isFalse();
        assertThat(check.allGood()).isTrue();
        assertThat(check.report()).contains("Any parameter requires grad? False", "Weights equal to policy?     False");
    }

    @Test
    void cpuAndFp16ReferencesAgreeWithFp32() {
        Gpt2Model policy = Gpt2Model.of(init);
        TokenBatch batch = TokenBatch.padded(new int[][]{{464, 3290, 318, 257, 922}, {40, 588}}, true);
        double[][] fp32 = ReferenceModel.create(policy, ReferenceModel.Placement.FP32).tokenLogProbs(batch);
        double[][] cpu = ReferenceModel.create(policy, ReferenceModel.Placement.CPU).tokenLogProbs(batch);
        LanguageModel half = ReferenceModel.create(policy, ReferenceModel.Placement.FP16);
        double[][] fp16 = half.tokenLogProbs(batch);
        for (int b = 0; b < 2; b++) {
            Comparator.check("CPU reference row " + b, fp32[b], cpu[b], 1e-4);
            double maxDiff = Comparator.check("FP16 reference row " + b, fp32[b], fp16[b], 5e-2);
            if (b == 0) assertThat(maxDiff).as("FP16 storage must show rounding").isGreaterThan(0);
        }
        assertThat(half.parameterBytes() * 2).isEqualTo(policy.parameterBytes());
        assertThat(half.trainableParameterCount()).isZero();
        assertThat(FrozenCheck.of(policy, half).weightsEqual()).as("allclose(atol 1e-6) sees FP16 rounding").isFalse();
    }

    @Test
    void driftRunLogsGrowingDivergenceAndPeriodicKlHoldsValues() {
        List<DriftRun.Row> rows = DriftRun.run(Gpt2Model.of(init), init, data(), new DriftRun.Settings(6, 3e-3, 3));
        assertThat(rows).hasSize(7);
        assertThat(rows.get(0).relativeDivergence()).isZero();
        assertThat(rows.get(0).klEveryStep()).isEqualTo(0.0);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).absoluteDivergence()).isGreaterThan(rows.get(i - 1).absoluteDivergence());
            int fresh = i / 3 * 3;
            assertThat(rows.get(i).klPeriodic()).isEqualTo(rows.get(fresh).klEveryStep());
        }
        assertThat(rows.get(6).loss()).isNaN();
        assertThat(rows.get(5).loss()).isLessThan(rows.get(0).loss());
    }

    @Test
    void aDriftRunInARunDirectoryWritesItsMetricsAndResumesWhereItStopped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var s = new DriftRun.Settings(3, 3e-3, 2);
        List<DriftRun.Row> inMemory = DriftRun.run(Gpt2Model.of(init), init, data(), s);
        List<DriftRun.Row> written = DriftRun.run(Gpt2Model.of(init), init, data(), s, dir, false);
        assertThat(written).isEqualTo(inMemory);
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(5)
                .first().isEqualTo("step,loss,kl,kl_periodic,divergence_abs,divergence_rel");
        assertThat(DriftRun.run(Gpt2Model.of(init), init, data(), s, dir, false)).as("a finished run read back").isEqualTo(inMemory);
        assertThatThrownBy(() -> DriftRun.run(Gpt2Model.of(init), init, data(), new DriftRun.Settings(3, 1e-3, 2), dir, false))
                .hasMessageContaining("lr: 0.003 then, 0.001 now");
    }

    @Test
    void weightDivergenceIsASumOfPerTensorNorms() {
        Gpt2Weights moved = TestModels.allRandom(TestModels.tiny(), 21);
        moved.get("ln_f.bias")[0] += 3;    // ‖Δ‖ = 3 in one tensor
        moved.get("wpe.weight")[5] -= 4;   // ‖Δ‖ = 4 in another: the document sums norms → 7, not 5
        WeightDivergence d = WeightDivergence.between(moved, init);
        assertThat(d.absolute()).isCloseTo(7.0, org.assertj.core.data.Offset.offset(1e-5));
    }
}
