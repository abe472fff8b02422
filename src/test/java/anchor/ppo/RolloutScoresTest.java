package anchor.ppo;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlEstimators;
import anchor.logprobs.TokenLogProbs;
import anchor.reward.RewardModel;
import anchor.safetensors.DType;
import anchor.testing.Cli;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** ppo-explain's arrays against the same quantities computed another way from the four models. */
class RolloutScoresTest {
    static final Gpt2Config C = new Gpt2Config(1, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
    static final int[] PROMPT = {50256, 464, 3290}, RESPONSE = {3797, 21845, 13, 50256, 99, 98};

    @TempDir
    Path dir;

    final Gpt2Weights sft = TestModels.allRandom(C, 3), other = TestModels.allRandom(C, 5);
    final Gpt2Model reward = Gpt2Model.of(RewardModel.init(TestModels.allRandom(C, 7), 8)).frozenCopy();
    final Gpt2Model value = Gpt2Model.of(RewardModel.init(TestModels.allRandom(C, 9), 10)).frozenCopy();

    @Test
    void policyEqualToReferenceHasZeroKlAndOnlyTheScoreAsReward() {
        Gpt2Model policy = Gpt2Model.of(sft);
        var s = RolloutScores.Settings.DEFAULTS;
        var e = RolloutScores.of(new PpoModels(policy, policy.frozenCopy(), reward, RewardModel.Normalization.IDENTITY, new ValueModel.Separate(value)), PROMPT, RESPONSE, s);
        assertThat(e.responseIds()).as("cut after the first <|endoftext|>").containsExactly(3797, 21845, 13, 50256);
        assertThat(e.kl()).containsOnly(0.0);
        assertThat(e.rewards()).containsExactly(0, 0, 0, e.score());
        int[] seq = {50256, 464, 3290, 3797, 21845, 13, 50256};
        assertThat(e.score()).as("read at the last token; unpadded here, bucket-padded there").isCloseTo(reward.scores(TokenBatch.of(seq))[0][6], within(1e-5));
        double[] v = value.scores(TokenBatch.of(seq))[0];
        for (int t = 0; t < 4; t++) assertThat(e.values()[t]).as("V predicting token %d", t).isCloseTo(v[2 + t], within(1e-5));
    }

    @Test
    void logProbsKlAndAdvantagesAgreeWithAnIndependentComputation() {
        Gpt2Model policy = Gpt2Model.of(sft), ref = Gpt2Model.of(other).frozenCopy();
        var s = new RolloutScores.Settings(0.1, KlEstimators.Estimator.K3, 0.99, 0.9, 1.0, 0.5);
        int[] noEos = {3797, 21845, 13};
        var e = RolloutScores.of(new PpoModels(policy, ref, reward, new RewardModel.Normalization(2, -1), new ValueModel.Separate(value)), PROMPT, noEos, s);
        TokenBatch b = TokenBatch.of(50256, 464, 3290, 3797, 21845, 13);
        double[] lp = TokenLogProbs.gather(policy.logits(b), b)[0], lr = TokenLogProbs.gather(ref.logits(b), b)[0];
        for (int t = 0; t < 3; t++) {
            assertThat(e.logprobs()[t]).isCloseTo(lp[2 + t], within(1e-5));
            assertThat(e.refLogprobs()[t]).isCloseTo(lr[2 + t], within(1e-5));
            double logr = e.refLogprobs()[t] - e.logprobs()[t];
            assertThat(e.kl()[t]).as("k3").isCloseTo(Math.exp(logr) - 1 - logr, within(1e-9)).isGreaterThanOrEqualTo(0);
        }
        double score = 2 * reward.scores(b)[0][5] - 1 - 0.5;   // normalised, then the missing-EOS penalty
        assertThat(e.score()).isCloseTo(score, within(1e-5));
        double[] r = {-0.1 * e.kl()[0], -0.1 * e.kl()[1], -0.1 * e.kl()[2] + e.score()};
        double[] v = e.values();
        double a2 = r[2] - v[2], a1 = r[1] + 0.99 * v[2] - v[1] + 0.99 * 0.9 * a2, a0 = r[0] + 0.99 * v[1] - v[0] + 0.99 * 0.9 * a1;
        assertThat(e.advantages()).containsExactly(new double[]{a0, a1, a2}, within(1e-12));
        assertThat(e.returns()[0]).isCloseTo(a0 + v[0], within(1e-12));
    }

    /** The trainer explains a whole batch in one forward per model: the same arrays as one row at a time. */
    @Test
    void aBatchIsExplainedAsItsRowsAreOneByOne() {
        Gpt2Model policy = Gpt2Model.of(sft), ref = Gpt2Model.of(other).frozenCopy();
        var s = new RolloutScores.Settings(0.1, KlEstimators.Estimator.K1, 1.0, 0.95, 0.7, Double.NaN);
        int[][] prompts = {PROMPT, {50256, 32}, {50256, 464, 5822, 318, 11}}, responses = {RESPONSE, {13, 13, 13, 13, 13, 13, 13}, {50256}};
        var models = new PpoModels(policy, ref, reward, RewardModel.Normalization.IDENTITY, new ValueModel.Separate(value));
        RolloutScores.Scored[] batch = RolloutScores.batch(models, prompts, responses, s, Double.NaN);
        for (int b = 0; b < 3; b++) {
            var one = RolloutScores.of(new PpoModels(policy, ref, reward, RewardModel.Normalization.IDENTITY, new ValueModel.Separate(value)), prompts[b], responses[b], s);
            assertThat(batch[b].responseIds()).containsExactly(one.responseIds());
            assertThat(batch[b].logprobs()).as("row %d logprobs", b).containsExactly(one.logprobs(), within(1e-5));
            assertThat(batch[b].refLogprobs()).as("row %d ref_logprobs", b).containsExactly(one.refLogprobs(), within(1e-5));
            assertThat(batch[b].values()).as("row %d values", b).containsExactly(one.values(), within(1e-5));
            assertThat(batch[b].score()).as("row %d score", b).isCloseTo(one.score(), within(1e-5));
            assertThat(batch[b].advantages()).as("row %d advantages", b).containsExactly(one.advantages(), within(1e-4));
        }
        RolloutScores.Scored[] held = RolloutScores.batch(models, prompts, responses, s, 0.25);
        assertThat(held[0].kl()).as("periodic KL: the held per-token value stands in for every token").containsOnly(0.25);
        assertThat(java.util.Arrays.stream(held[0].refLogprobs())).as("the reference did not run").allMatch(v -> Double.isNaN(v));
        assertThat(held[0].rewards()[0]).isEqualTo(-0.1 * 0.25);
    }

    @Test
    void theCommandPrintsEveryArray() throws Exception {
        HfCheckpoint.save(sft, dir.resolve("policy"), DType.F32);
        HfCheckpoint.save(RewardModel.init(TestModels.allRandom(C, 7), 8), dir.resolve("rm"), DType.F32);
        String[] args = {"ppo-explain", "--json", "--policy", dir.resolve("policy").toString(), "--reference", dir.resolve("policy").toString(),
                "--reward-model", dir.resolve("rm").toString(), "--value-model", dir.resolve("rm").toString(),
                "--prompt-ids", "50256,464,3290", "--response-ids", "3797,21845,13,50256"};
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        var j = r.json();
        for (String k : new String[]{"logprobs", "ref_logprobs", "kl", "rewards", "values", "advantages", "returns"}) assertThat(j.get(k).size()).as(k).isEqualTo(4);
        assertThat(j.get("kl").get(2).asDouble()).isZero();
        assertThat(j.get("rewards").get(3).asDouble()).isEqualTo(j.get("score").asDouble());
        Cli.Result table = Cli.run(withoutJson(args));
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("advantage").contains("<|endoftext|>");
        Cli.Result bad = Cli.run("ppo-explain", "--reward-model", dir.resolve("policy").toString(), "--value-model", dir.resolve("rm").toString(),
                "--prompt-ids", "1", "--response-ids", "2");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("is not a reward model");
        assertThat(Cli.run("ppo-explain", "--reward-model", "x", "--value-model", "x", "--prompt-ids", "1", "--response-ids", "2", "--kl-estimator", "k2").err())
                .contains("k1 or k3");
    }

    static String[] withoutJson(String[] args) {
        return java.util.Arrays.stream(args).filter(a -> !a.equals("--json")).toArray(String[]::new);
    }
}
