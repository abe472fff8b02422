package anchor.world;

import anchor.reward.RewardModel;
import anchor.reward.RewardRun;
import anchor.reward.RewardTrainer;
import anchor.tokenizer.Gpt2Tokenizer;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The world's default reward model for PPO: trained once from the SFT trunk on the world's 512 training pairs
 * (150 steps × 16 pairs, lr 1e-3, seed 0 — chapter 6's run) and cached in a run directory; later runs reuse it.
 */
public final class WorldRewardModel {
    private WorldRewardModel() {
    }

    public static final Path DEFAULT_DIR = Path.of("runs", "reward-world");
    public static final RewardTrainer.Settings SETTINGS = RewardTrainer.Settings.DEFAULTS.withSteps(150).withBatch(16).withLr(1e-3).withSeed(0);

    /** The model directory in {@code dir}, trained there first if it is not yet complete. */
    public static Path cached(Path dir, PrintWriter log) {
        return cached(dir, 0, log);
    }

    /** As above, trained on the first {@code pairs} training pairs (0: all 512) — a smaller proxy for the over-optimisation experiment. */
    public static Path cached(Path dir, int pairs, PrintWriter log) {
        Path model = dir.resolve("model");
        if (Files.exists(model.resolve(RewardModel.NORMALIZATION))) return model;
        log.println("anchor: training the world's reward model once into " + dir + " (150 steps; a few minutes on 2 cores)");
        var all = World.trainPairs();
        var data = pairs == 0 ? all : all.subList(0, Math.min(pairs, all.size()));
        var in = new RewardRun.Inputs(World.sftWeights(), World.SFT_ID, data, pairs == 0 ? "world" : "world:first-" + pairs, World.tokenizer());
        try {
            RewardRun.train(in, SETTINGS, dir, 50, false, log);
        } catch (anchor.train.RunLock.InUse e) {        // the shared cache, not the user's --out, is what is busy
            throw new anchor.AnchorException("the world's reward model is being trained into " + dir + " by another anchor run"
                    + (e.owner().isEmpty() ? "" : " (pid " + e.owner() + ")") + "; wait for it to finish, then run this again (it will use that model)");
        }
        return model;
    }
}
