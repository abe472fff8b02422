package anchor.bench;

import anchor.checkpoint.HfCheckpoint;
import anchor.data.PairBatches;
import anchor.dpo.DpoReference;
import anchor.dpo.DpoSettings;
import anchor.dpo.DpoTrainer;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.kl.KlEstimators;
import anchor.ppo.PpoModels;
import anchor.ppo.ValueModel;
import anchor.ppo.KlController;
import anchor.ppo.PpoSettings;
import anchor.ppo.PpoTrainer;
import anchor.reward.RewardModel;
import anchor.train.AdamW;
import anchor.world.PreferenceData;
import anchor.world.World;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chapters' unit of work on the world's 7M-parameter model, as the experiments run it: one DPO optimizer step
 * (8 pairs, the reference resident, chapter 4's defaults) and one PPO update (16 rollouts, 4 epochs, policy, value
 * model, reward model and reference resident, chapter 6's defaults; the reward and value heads freshly initialised),
 * and 64 rows of sampling (the world's preference-data sampling: 64 prompts, up to 40 new tokens, KV cache).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WorldBenchmarks {

    @State(Scope.Benchmark)
    public static class Dpo {
        DpoTrainer trainer;
        int step;

        @Setup(Level.Trial)
        public void setUp() {
            Gpt2Weights sft = HfCheckpoint.load(World.sftDirectory());
            DpoSettings s = DpoSettings.DEFAULTS.withSteps(1_000_000);
            var pairs = PairBatches.tokenize(World.trainPairs(), World.tokenizer(), s.eos(), s.maxLength());
            trainer = new DpoTrainer(Gpt2Model.of(sft), () -> sft, new DpoReference.Resident(Gpt2Model.frozen(sft)), pairs, s, AdamW.standard(1e-4));
        }
    }

    @Benchmark
    public DpoTrainer.Metrics worldDpoStep(Dpo s) {
        return s.trainer.update(s.step++);
    }

    @State(Scope.Benchmark)
    public static class Ppo {
        PpoTrainer trainer;
        int step;

        @Setup(Level.Trial)
        public void setUp() {
            Gpt2Weights sft = HfCheckpoint.load(World.sftDirectory());
            var models = new PpoModels(Gpt2Model.of(sft), Gpt2Model.frozen(sft), Gpt2Model.frozen(RewardModel.init(sft, 1)),
                    RewardModel.Normalization.IDENTITY, new ValueModel.Separate(Gpt2Model.of(RewardModel.init(sft, 2))));
            List<int[]> prompts = PreferenceData.prompts(World.TRAIN_PROMPT_SEED, 256).stream().map(PreferenceData::promptIds).toList();
            PpoSettings s = PpoSettings.DEFAULTS.withSteps(1_000_000).withLr(1e-4);
            trainer = new PpoTrainer(models, prompts, s, KlController.fixed(0.05), KlEstimators.Estimator.K1);
        }
    }

    @Benchmark
    public Map<String, Object> worldPpoUpdate(Ppo s) {
        return s.trainer.step(s.step++);
    }

    @State(Scope.Benchmark)
    public static class Sample {
        Gpt2Model sft;
        java.util.List<String> prompts;
        long seed;

        @Setup(Level.Trial)
        public void setUp() {
            sft = Gpt2Model.frozen(HfCheckpoint.load(World.sftDirectory()));
            prompts = PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, 64);
        }
    }

    @Benchmark
    public List<int[]> worldGenerate64Rows(Sample s) {
        return PreferenceData.sampleIds(s.sft, s.prompts, s.seed++);
    }
}
