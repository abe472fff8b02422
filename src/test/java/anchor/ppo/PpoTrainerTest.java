package anchor.ppo;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.kl.KlEstimators;
import anchor.reward.RewardModel;
import anchor.testing.TestModels;
import anchor.train.MetricsLog;
import anchor.train.RunLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The PPO update on a tiny model: the step-0 identities, reproducibility, exact resume. */
class PpoTrainerTest {
    static final Gpt2Config C = new Gpt2Config(1, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
    static final List<int[]> PROMPTS = List.of(new int[]{50256, 464, 3290}, new int[]{50256, 317}, new int[]{50256, 464, 5822, 318}, new int[]{50256, 32});
    static final PpoSettings S = PpoSettings.DEFAULTS.withBatch(4).withMiniBatches(2).withPpoEpochs(2).withResponseLength(6).withLr(1e-3).withSteps(3).withSeed(5);

    @TempDir
    Path dir;

    static PpoTrainer trainer(PpoSettings s) {
        Gpt2Weights sft = TestModels.allRandom(C, 3), rm = RewardModel.init(TestModels.allRandom(C, 7), 8);
        var models = new PpoTrainer.Models(Gpt2Model.of(sft), Gpt2Model.of(sft).frozenCopy(), Gpt2Model.of(rm).frozenCopy(),
                RewardModel.Normalization.IDENTITY, Gpt2Model.of(rm));
        return new PpoTrainer(models, PROMPTS, s, KlController.fixed(0.05), KlEstimators.Estimator.K1, ids -> ids.length);
    }

    @Test
    void atTheFirstUpdateWithPolicyEqualToReferenceTheKlIsZeroAndTheRatioOne() {
        PpoTrainer t = trainer(S.withMiniBatches(1).withPpoEpochs(1));
        Map<String, Object> row = t.step(0);
        assertThat((Double) row.get("objective/kl")).isZero();
        assertThat((Double) row.get("objective/non_score_reward")).isZero();
        assertThat((Double) row.get("objective/rlhf_reward")).isEqualTo((Double) row.get("objective/scores"));
        assertThat((Double) row.get("val/ratio")).as("one minibatch: the policy has not moved yet").isCloseTo(1, within(1e-5));
        assertThat((Double) row.get("policy/approxkl_avg")).isCloseTo(0, within(1e-10));
        assertThat((Double) row.get("policy/clipfrac_avg")).isZero();
        assertThat((Double) row.get("objective/gold")).as("the given true reward: here the length").isBetween(1.0, 6.0);
        Map<String, Object> next = t.step(1);
        assertThat((Double) next.get("objective/kl")).as("after an update the policy has left the reference").isNotZero();
    }

    /** Document 1's FP16 option in a real loop: the reference's rounding shows as a small, non-zero KL at step 0. */
    @Test
    void anFp16ReferenceGivesASmallNonZeroKlAtTheFirstUpdate() {
        Gpt2Weights sft = TestModels.allRandom(C, 3), rm = RewardModel.init(TestModels.allRandom(C, 7), 8);
        var models = new PpoTrainer.Models(Gpt2Model.of(sft), PpoRun.reference(sft, anchor.reference.ReferenceModel.Placement.FP16),
                Gpt2Model.of(rm).frozenCopy(), RewardModel.Normalization.IDENTITY, Gpt2Model.of(rm));
        double kl = (Double) new PpoTrainer(models, PROMPTS, S.withMiniBatches(1).withPpoEpochs(1), KlController.fixed(0.05), KlEstimators.Estimator.K1, null)
                .step(0).get("objective/kl");
        assertThat(Math.abs(kl)).isGreaterThan(0).isLessThan(1e-2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PpoRun.reference(sft, anchor.reference.ReferenceModel.Placement.CPU))
                .hasMessageContaining("not available in PPO");
    }

    @Test
    void aSeededRunIsReproducibleAndResumesExactly() throws Exception {
        var layout = PpoTrainer.METRICS;
        RunLoop.run(trainer(S), new RunLoop.Options("ppo", 3, dir.resolve("a"), 1, false, null, layout));
        RunLoop.run(trainer(S), new RunLoop.Options("ppo", 3, dir.resolve("b"), 1, false, null, layout));
        RunLoop.run(trainer(S.withSteps(3)), new RunLoop.Options("ppo", 2, dir.resolve("c"), 1, false, null, layout));
        RunLoop.run(trainer(S), new RunLoop.Options("ppo", 3, dir.resolve("c"), 1, false, null, layout));
        String a = Files.readString(dir.resolve("a/" + MetricsLog.JSONL));
        assertThat(Files.readString(dir.resolve("b/" + MetricsLog.JSONL))).isEqualTo(a);
        assertThat(Files.readString(dir.resolve("c/" + MetricsLog.JSONL))).as("stopped after 2 updates, resumed to 3").isEqualTo(a);
        assertThat(Files.readAllBytes(dir.resolve("c/checkpoint/value/model.safetensors"))).isEqualTo(Files.readAllBytes(dir.resolve("a/checkpoint/value/model.safetensors")));
        assertThat(a).contains("\"loss/policy_avg\"").contains("\"val/var_explained\"").contains("\"episode\":12");
    }
}
