package anchor.ppo;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.reward.RewardModel;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** RLOO and GRPO on a tiny model: the group baseline removes a constant reward exactly; a real one moves the policy. */
class GroupTrainerTest {
    static final PpoSettings S = PpoTrainerTest.S.withBatch(4).withMiniBatches(2).withPpoEpochs(2);

    static GroupTrainer trainer(GroupTrainer.Settings g, boolean constantReward) {
        Gpt2Weights sft = TestModels.allRandom(PpoTrainerTest.C, 3);
        Gpt2Weights rm = constantReward ? sft.withScoreHead(new float[PpoTrainerTest.C.nEmbd()]) : RewardModel.init(TestModels.allRandom(PpoTrainerTest.C, 7), 8);
        var models = new PpoModels(Gpt2Model.of(sft), Gpt2Model.of(sft).frozenCopy(), Gpt2Model.of(rm).frozenCopy(), RewardModel.Normalization.IDENTITY, ValueModel.NONE);
        return new GroupTrainer(models, PpoTrainerTest.PROMPTS, S, g);
    }

    @Test
    void aConstantRewardTeachesNothing() {
        for (GroupTrainer.Estimator e : GroupTrainer.Estimator.values()) {
            GroupTrainer t = trainer(new GroupTrainer.Settings(e, 2, 0), true);
            Map<String, double[]> before = snapshot(t);
            t.step(0);
            t.step(1);
            assertThat(snapshot(t)).as(e + ": every advantage is 0, so no weight moves").usingRecursiveComparison().isEqualTo(before);
        }
    }

    @Test
    void aRealRewardMovesThePolicyAndTheMetricsAreFinite() {
        for (GroupTrainer.Estimator e : GroupTrainer.Estimator.values()) {
            GroupTrainer t = trainer(new GroupTrainer.Settings(e, 2, 0.05), false);
            Map<String, double[]> before = snapshot(t);
            Map<String, Object> row = t.step(0);
            assertThat((Double) row.get("objective/kl")).as(e + ": policy = reference at update 0").isZero();
            if (e == GroupTrainer.Estimator.RLOO) {
                assertThat((Double) row.get("objective/rlhf_reward")).as("no KL yet: R = score").isEqualTo((Double) row.get("objective/scores"));
                assertThat(row).as("RLOO's KL is in its reward").containsKey("objective/non_score_reward");
            } else {
                assertThat(row).as("GRPO's KL is in its loss: no KL reward is logged, k3 is").doesNotContainKey("objective/non_score_reward").containsKey("objective/k3_avg");
            }
            assertThat((Double) row.get("loss/policy_avg")).as(e + " loss").isFinite();
            assertThat(snapshot(t)).as(e + ": the policy moved").usingRecursiveComparison().isNotEqualTo(before);
            assertThat(t.parts().models()).as("three models, one trained: no value model in the checkpoint").containsOnlyKeys("policy");
        }
    }

    private static Map<String, double[]> snapshot(GroupTrainer t) {
        Map<String, double[]> out = new java.util.TreeMap<>();
        t.parts().models().get("policy").parameters().forEach((k, v) -> out.put(k, v.dup().data().asDouble()));
        return out;
    }
}
