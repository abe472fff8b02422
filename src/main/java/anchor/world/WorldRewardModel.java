package anchor.world;

import anchor.reward.RewardModel;
import anchor.reward.RewardRun;
import anchor.reward.RewardTrainer;
import anchor.tokenizer.Gpt2Tokenizer;

import anchor.AnchorException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The world's default reward model for PPO: trained once from the SFT trunk on the world's 512 training pairs
 * (150 steps × 16 pairs, lr 1e-3, seed 0 — chapter 6's run) and cached per user, in a folder named by what it was
 * trained from ({@link #defaultDir}); later runs, from any checkout and any working directory, reuse it.
 */
public final class WorldRewardModel {
    private WorldRewardModel() {
    }

    public static final RewardTrainer.Settings SETTINGS = RewardTrainer.Settings.DEFAULTS.withSteps(150).withBatch(16).withLr(1e-3).withSeed(0);

    /** The variable that names the cache folder (else {@code $XDG_CACHE_HOME/anchor}, else {@code ~/.cache/anchor}). */
    public static final String CACHE_VARIABLE = "ANCHOR_CACHE";

    /**
     * The cache of the world's reward model: {@code CACHE/reward-world-KEY}, KEY the first 12 hex digits of the SHA-256
     * of the SFT model's identity ({@link World#sftId}) and the training settings, so a model trained from another SFT
     * model or with other settings lives in another folder and is never taken for this one.
     */
    public static Path defaultDir() {
        return cacheRoot(System.getenv(), System.getProperty("user.home")).resolve("reward-world-" + key(World.sftId(), SETTINGS));
    }

    /** {@code $ANCHOR_CACHE}, else {@code $XDG_CACHE_HOME/anchor}, else {@code HOME/.cache/anchor} (an empty variable counts as unset). */
    static Path cacheRoot(java.util.Map<String, String> env, String userHome) {
        String own = env.get(CACHE_VARIABLE), xdg = env.get("XDG_CACHE_HOME");
        if (own != null && !own.isBlank()) return Path.of(own).toAbsolutePath();
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "anchor").toAbsolutePath();
        return Path.of(userHome, ".cache", "anchor");
    }

    /** The first 12 hex digits of the SHA-256 of what a cached reward model is made from. */
    static String key(String sftId, RewardTrainer.Settings s) {
        return World.hash(new byte[][]{sftId.getBytes(java.nio.charset.StandardCharsets.UTF_8), s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)}).substring(0, 12);
    }

    /** The model directory of the per-user cache ({@link #defaultDir}), trained there first if it is not yet complete. */
    public static Path cached(PrintWriter log) {
        return cached(defaultDir(), 0, log);
    }

    /** The model directory in {@code dir}, trained there first if it is not yet complete. */
    public static Path cached(Path dir, PrintWriter log) {
        return cached(dir, 0, log);
    }

    /** As above, trained on the first {@code pairs} training pairs (0: all 512) — a smaller proxy for the over-optimisation experiment. */
    public static Path cached(Path dir, int pairs, PrintWriter log) {
        Path model = dir.resolve("model"), made = dir.resolve(MADE_FROM);
        if (isCurrent(dir, log)) return model;
        String why = anchor.train.Folders.whyNotWritable(dir);
        if (why != null) throw new AnchorException("cannot cache the world's reward model in " + dir + ": " + why + "; set " + CACHE_VARIABLE + " to a writable folder, or give --reward-model");
        log.println("anchor: training the world's reward model once into " + dir + " (150 steps; a few minutes on 2 cores; " + CACHE_VARIABLE + " moves the cache)");
        var all = World.trainPairs();
        var data = pairs == 0 ? all : all.subList(0, Math.min(pairs, all.size()));
        var in = new RewardRun.Inputs(World.sftWeights(), World.sftId(), data, pairs == 0 ? "world" : "world:first-" + pairs, World.tokenizer());
        try {
            RewardRun.train(in, SETTINGS, dir, 50, false, log);
            Files.writeString(made, World.sftId() + "\n");
        } catch (anchor.train.RunLock.InUse e) {        // the shared cache, not the user's --out, is what is busy
            throw new AnchorException("the world's reward model is being trained into " + dir + " by another anchor run"
                    + (e.owner().isEmpty() ? "" : " (pid " + e.owner() + ")") + "; wait for it to finish, then run this again (it will use that model)");
        } catch (IOException e) {
            throw new AnchorException("cannot write " + made + ": " + e.getMessage(), e);
        }
        return model;
    }

    /**
     * Whether {@code dir} holds a complete reward model trained from this world's SFT model. One made from another
     * (an older Anchor's, of GPT-2's whole vocabulary: it would score ids of another vocabulary) is moved aside whole,
     * to a free sibling name, and said so: nothing is deleted, and the caller trains a new one.
     */
    static boolean isCurrent(Path dir, PrintWriter log) {
        if (!Files.exists(dir.resolve("model").resolve(RewardModel.NORMALIZATION))) return false;
        String from = readOr(dir.resolve(MADE_FROM), "an SFT model of an older Anchor");
        if (from.equals(World.sftId())) return true;
        Path aside = aside(dir);
        move(dir, aside);
        log.println("anchor: " + dir + " held the reward model of another world SFT model (" + from + "); moved it to " + aside);
        return false;
    }

    /** The file in the cache naming the SFT model ({@link World#sftId()}) its reward model was trained from. */
    static final String MADE_FROM = "made-from.txt";

    private static String readOr(Path file, String otherwise) {
        try {
            return Files.exists(file) ? Files.readString(file).trim() : otherwise;
        } catch (IOException e) {
            throw new AnchorException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A free sibling name for a stale cache: DIR.other-sft, DIR.other-sft-2, … (nothing of the user's is overwritten). */
    private static Path aside(Path dir) {
        Path abs = dir.toAbsolutePath();
        for (int i = 1; ; i++) {
            Path p = abs.resolveSibling(abs.getFileName() + ".other-sft" + (i == 1 ? "" : "-" + i));
            if (!Files.exists(p)) return p;
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new AnchorException(from + " holds a reward model of another world SFT model and cannot be moved aside (" + e.getMessage() + "); delete it and run again", e);
        }
    }
}
