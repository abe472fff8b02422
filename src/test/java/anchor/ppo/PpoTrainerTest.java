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
        var models = new PpoModels(Gpt2Model.of(sft), Gpt2Model.of(sft).frozenCopy(), Gpt2Model.of(rm).frozenCopy(),
                RewardModel.Normalization.IDENTITY, new ValueModel.Separate(Gpt2Model.of(rm)));
        return new PpoTrainer(models, PROMPTS, s, KlController.fixed(0.05), KlEstimators.Estimator.K1);
    }

    /** A judge that knows the length as the true reward and calls responses that end with EOS well formed. */
    static final Judge LENGTH = new Judge() {
        @Override
        public double gold(int[] responseIds) {
            return responseIds.length;
        }

        @Override
        public boolean wellFormed(int[] responseIds) {
            return responseIds[responseIds.length - 1] == 50256;
        }
    };

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
        Map<String, Object> next = t.step(1);
        assertThat((Double) next.get("objective/kl")).as("after an update the policy has left the reference").isNotZero();
    }

    /** The judge reads the rollouts the update trained on: objective/gold beside objective/scores, and nothing else changes. */
    @Test
    void judgedRolloutsAddTheirTrueRewardAndChangeNothingElse() {
        PpoTrainer inner = trainer(S);
        var judged = JudgedRollouts.of(inner, LENGTH);
        PpoTrainer plain = trainer(S);
        for (int step = 0; step < 2; step++) {
            Map<String, Object> a = judged.step(step), b = plain.step(step);
            double meanLength = java.util.Arrays.stream(inner.lastRollouts()).mapToInt(e -> e.responseIds().length).average().orElseThrow();
            assertThat((Double) a.get("objective/gold")).as("the test judge's gold is the length: the batch mean").isEqualTo(meanLength, within(1e-12));
            List<String> keys = new java.util.ArrayList<>(a.keySet());
            assertThat(keys.get(keys.indexOf("objective/gold") - 1)).as("where metrics.csv has always had it").isEqualTo("objective/kl_coef");
            a.remove("objective/gold");
            assertThat(a).as("step %d", step).isEqualTo(b);
        }
        assertThat(JudgedRollouts.of(plain, null)).as("no judge, no wrapper").isSameAs(plain);
    }

    /** Document 1's FP16 option in a real loop: the reference's rounding shows as a small, non-zero KL at step 0. */
    @Test
    void anFp16ReferenceGivesASmallNonZeroKlAtTheFirstUpdate() {
        Gpt2Weights sft = TestModels.allRandom(C, 3), rm = RewardModel.init(TestModels.allRandom(C, 7), 8);
        var models = new PpoModels(Gpt2Model.of(sft), PpoRun.reference(sft, anchor.reference.ReferenceModel.Placement.FP16),
                Gpt2Model.of(rm).frozenCopy(), RewardModel.Normalization.IDENTITY, new ValueModel.Separate(Gpt2Model.of(rm)));
        double kl = (Double) new PpoTrainer(models, PROMPTS, S.withMiniBatches(1).withPpoEpochs(1), KlController.fixed(0.05), KlEstimators.Estimator.K1)
                .step(0).get("objective/kl");
        assertThat(Math.abs(kl)).isGreaterThan(0).isLessThan(1e-2);
        var cpu = new PpoModels(Gpt2Model.of(sft), PpoRun.reference(sft, anchor.reference.ReferenceModel.Placement.CPU),
                Gpt2Model.of(rm).frozenCopy(), RewardModel.Normalization.IDENTITY, new ValueModel.Separate(Gpt2Model.of(rm)));
        double cpuKl = (Double) new PpoTrainer(cpu, PROMPTS, S.withMiniBatches(1).withPpoEpochs(1), KlController.fixed(0.05), KlEstimators.Estimator.K1)
                .step(0).get("objective/kl");
        assertThat(Math.abs(cpuKl)).as("the plain-Java float64 reference at T = 0.7: only FP32 rounding apart").isLessThan(1e-4);
    }

    /** Document 1's option 3 inside PPO: between reference runs every token's KL is the last batch's mean. */
    @Test
    void periodicKlHoldsTheLastMeanTokenKlBetweenReferenceRuns() {
        PpoTrainer t = trainer(S.withKlEvery(2));
        t.step(0);
        t.step(1);   // held: step 0's mean, over a moved policy
        RolloutBatch fresh = t.rollout(2), held = t.rollout(3);
        double mean = 0;
        int n = 0;
        for (var e : fresh.rows()) for (double k : e.kl()) {
            mean += k;
            n++;
        }
        mean /= n;
        assertThat(java.util.Arrays.stream(fresh.rows()[0].refLogprobs())).as("step 2: the reference runs").noneMatch(v -> Double.isNaN(v));
        for (var e : held.rows()) assertThat(e.kl()).as("step 3: the held mean from step 2's batch").containsOnly(mean);
        assertThat(t.state().get("held_token_kl").asDouble()).as("saved with the checkpoint").isEqualTo(mean);
    }

    /** eval/* every N updates, before the update (the one evaluation wrapper, as PpoRun sets it); evaluating changes nothing in the training itself. */
    @Test
    void evaluationEveryNUpdatesLeavesTheTrainingAsItWas() {
        List<int[]> eval = List.of(new int[]{50256, 464}, new int[]{50256, 317, 3290});
        PpoModels models = trainerModels();
        PpoSettings every2 = S.withEvalEvery(2);
        var withEval = new anchor.train.EvaluatedTrainer(new PpoTrainer(models, PROMPTS, every2, KlController.fixed(0.05), KlEstimators.Estimator.K1),
                2, true, () -> HeldOutEvaluation.of(models, eval, every2, LENGTH));
        PpoTrainer without = trainer(S);
        for (int step = 0; step < 3; step++) {
            Map<String, Object> a = withEval.step(step), b = without.step(step);
            if (step % 2 == 0) {
                assertThat(a).containsKeys("eval/gold", "eval/well_formed", "eval/kl", "eval/distinct_2", "eval/length", "eval/gold_se", "eval/length_se");
                assertThat((Double) a.get("eval/gold_se")).as("the length is the test judge's gold: the same spread").isEqualTo((Double) a.get("eval/length_se"));
                assertThat((Double) a.get("eval/well_formed")).isBetween(0.0, 1.0);
                assertThat((Double) a.get("eval/distinct_2")).isBetween(0.0, 1.0);
            } else {
                assertThat(a).doesNotContainKey("eval/gold");
            }
            if (step == 0) assertThat((Double) a.get("eval/kl")).as("before the first update the policy is the reference").isCloseTo(0, within(1e-6));
            a.keySet().removeIf(k -> k.startsWith("eval/"));
            assertThat(a).as("step %d", step).isEqualTo(b);
        }
    }

    /** Ziegler's design: a zero head on the policy's own trunk, both losses through one optimizer. */
    @Test
    void aSharedTrunkValueHeadTrainsWithThePolicy() {
        Gpt2Weights sft = TestModels.allRandom(C, 3), rm = RewardModel.init(TestModels.allRandom(C, 7), 8);
        Gpt2Model policy = PpoRun.policy(sft, true);
        var models = new PpoModels(policy, Gpt2Model.of(sft).frozenCopy(), Gpt2Model.of(rm).frozenCopy(), RewardModel.Normalization.IDENTITY, ValueModel.SHARED_TRUNK);
        PpoTrainer t = new PpoTrainer(models, PROMPTS, S, KlController.fixed(0.05), KlEstimators.Estimator.K1);
        assertThat(t.rollout(0).rows()[0].values()).as("a zero head: V = 0 everywhere").containsOnly(0.0);
        Map<String, Object> row = t.step(0);
        assertThat((Double) row.get("objective/kl")).isZero();
        assertThat(t.parts().models()).containsOnlyKeys("policy");
        assertThat(policy.parameter("score.weight")).as("the value loss trained the head").isNotEqualTo(new float[C.nEmbd()]);
        assertThat(policy.parameter("h.0.attn.c_attn.weight")).as("and the policy loss the trunk").isNotEqualTo(sft.get("h.0.attn.c_attn.weight"));
        assertThat(java.util.Arrays.stream(t.rollout(1).rows()[0].values())).as("the trained head gives values").anyMatch(v -> v != 0);
    }

    static PpoModels trainerModels() {
        Gpt2Weights sft = TestModels.allRandom(C, 3), rm = RewardModel.init(TestModels.allRandom(C, 7), 8);
        return new PpoModels(Gpt2Model.of(sft), Gpt2Model.of(sft).frozenCopy(), Gpt2Model.of(rm).frozenCopy(), RewardModel.Normalization.IDENTITY, new ValueModel.Separate(Gpt2Model.of(rm)));
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
