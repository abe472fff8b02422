package anchor.cli;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.kl.KlEstimators;
import anchor.ppo.PpoModels;
import anchor.ppo.ValueModel;
import anchor.ppo.KlController;
import anchor.ppo.PpoSettings;
import anchor.ppo.PpoTrainer;
import anchor.reference.ReferenceModel;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.world.PreferenceData;
import anchor.world.World;

import java.util.List;
import java.util.Map;

/** Tour chapter 6: the first PPO update on the world's SFT model, where the KL penalty is exactly zero. */
final class PpoTour {
    private PpoTour() {
    }

    static void run(Tour tour) {
        tour.chapter("ppo", "PPO: the KL penalty inside the reward, at the first update", "chapters/06-ppo.md; document 1, \"Enter the Reference Model\"");
        Gpt2Weights sft = World.sftWeights();
        // the identities below hold for any reward and value model: an untrained head on the SFT trunk will do
        Gpt2Weights rm = RewardModel.init(sft, 1);
        var models = new PpoModels(Gpt2Model.of(sft), ReferenceModel.create(sft, ReferenceModel.Placement.FP32), Gpt2Model.frozen(rm),
                RewardModel.Normalization.IDENTITY, new ValueModel.Separate(Gpt2Model.of(rm)));
        List<int[]> prompts = PreferenceData.prompts(World.TRAIN_PROMPT_SEED, 8).stream().map(World.tokenizer()::encode).toList();
        PpoSettings s = PpoSettings.DEFAULTS.withBatch(8).withMiniBatches(1).withPpoEpochs(1).withSteps(1);
        Map<String, Object> row = new PpoTrainer(models, prompts, s, KlController.fixed(0.05), KlEstimators.Estimator.K1).step(0);
        double kl = (Double) row.get("objective/kl"), ratio = (Double) row.get("val/ratio");
        tour.bar("KL per sequence at the first update (policy = reference)", "0 (an identity)", String.format("%.6f", kl), kl == 0);
        tour.bar("the penalty −β·KL added to the rewards", "0 (an identity)", String.format("%.6f", (Double) row.get("objective/non_score_reward")),
                (Double) row.get("objective/non_score_reward") == 0);
        tour.bar("ratio π/π_old in the first minibatch", "1 ± 1e-5", String.format("%.7f", ratio), Math.abs(ratio - 1) <= 1e-5);
        tour.note("train the world's reward model and PPO: ./anchor reward train; ./anchor ppo; one response step by step: ./anchor ppo-explain (chapters/06-ppo.md)");
        tour.note("document 1's 'what can go wrong without a reference', measured: ./anchor experiment no-kl (chapters/06-ppo.md, results-no-kl.md)");
        tour.note("reward over-optimisation (Gao et al.): ./anchor experiment overoptimization; PPO beside GRPO and RLOO: ./anchor experiment critic-free");
        tour.note("PPO against DPO on the reward–KL frontier (the DPO paper, §6.1): ./anchor experiment frontier (results-frontier.md)");
    }
}
