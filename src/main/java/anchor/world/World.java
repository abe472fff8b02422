package anchor.world;

import anchor.AnchorException;
import anchor.data.PreferenceJsonl;
import anchor.data.PreferencePair;
import anchor.gpt2.Gpt2Model;
import anchor.train.LmTrainer;
import anchor.train.RunLoop;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.TokenBatch;
import anchor.tokenizer.Gpt2Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The embedded world: its model shape, its training batches, and where its committed artefacts live (the SFT
 * checkpoint and the preference data ship as resources, so every chapter runs offline).
 */
public final class World {
    private World() {
    }

    /** The SFT model's shape: GPT-2's tokenizer and vocabulary, 4 layers of width 128, 64 positions, no dropout. */
    public static final Gpt2Config SFT_CONFIG = new Gpt2Config(4, 4, 128, 64, Gpt2Config.GPT2_VOCAB, 512, 1e-5, true, 0, 0, 0, 0.02);
    public static final int SEQ_LEN = 64;
    public static final long DEFAULT_SEED = 1234;
    /** Prompt seeds of the preference data's splits; held-out prompts are also the evaluation prompts. */
    public static final long TRAIN_PROMPT_SEED = 101, HELD_OUT_PROMPT_SEED = 202;
    static final String RESOURCE_DIR = "/anchor/world/";
    static final String[] SFT_FILES = {"config.json", "model.safetensors"};

    /**
     * The pretraining batch at {@code step}, a pure function of (seed, step): each row packs whole stories as
     * {@code <|endoftext|> story <|endoftext|> story …} into exactly {@link #SEQ_LEN} tokens (the last one cut), as
     * GPT-2 was trained, so every batch has one shape and no padding.
     */
    public static TokenBatch batch(long seed, int step, int batchSize) {
        return batch(seed, step, batchSize, story -> true);
    }

    /** As {@link #batch(long, int, int)}, packing only the stories that pass {@code keep} (a different corpus). */
    public static TokenBatch batch(long seed, int step, int batchSize, java.util.function.Predicate<String> keep) {
        Random r = new Random(seed * 1_000_003L + step);
        Gpt2Tokenizer tok = Gpt2Tokenizer.gpt2();
        int[][] rows = new int[batchSize][SEQ_LEN];
        for (int[] row : rows) {
            int n = 0;
            while (n < SEQ_LEN) {
                String story = Language.story(r);
                if (!keep.test(story)) continue;
                row[n++] = Gpt2Tokenizer.EOT_ID;
                for (int id : tok.encode(story)) {
                    if (n == SEQ_LEN) break;
                    row[n++] = id;
                }
            }
        }
        int[][] mask = new int[batchSize][SEQ_LEN];
        for (int[] m : mask) java.util.Arrays.fill(m, 1);
        return new TokenBatch(rows, mask);
    }

    /** The committed training split of the world's preference data. */
    public static java.util.List<PreferencePair> trainPairs() {
        return pairs("train.jsonl");
    }

    /** The committed held-out split (128 pairs on the evaluation prompts). */
    public static java.util.List<PreferencePair> heldOutPairs() {
        return pairs("held_out.jsonl");
    }

    private static java.util.List<PreferencePair> pairs(String file) {
        String resource = RESOURCE_DIR + "data/" + file;
        try (InputStream in = World.class.getResourceAsStream(resource)) {
            if (in == null) throw new AnchorException("the world's preference data is not built into this copy of Anchor; make it with: anchor world data");
            java.util.List<String> lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            return PreferenceJsonl.parse(lines, "the world's " + resource);
        } catch (IOException e) {
            throw new AnchorException("cannot read the world's preference data: " + e.getMessage(), e);
        }
    }

    /** The identity of the world's SFT model in a run's saved settings (its unpacked directory is a new temporary one each time). */
    public static final String SFT_ID = "world:sft";

    /**
     * Pretrains {@code model} on the world's stories with the pretraining recipe ({@link LmTrainer.Settings#pretraining}),
     * in the run directory {@code out} (resumed when it holds a checkpoint of the same run).
     */
    public static RunLoop.Result pretrain(Gpt2Model model, int steps, int batch, double lr, long seed, Path out, boolean progress) {
        LmTrainer.Settings s = LmTrainer.Settings.pretraining(steps, lr, seed, 100);
        return LmTrainer.train(model, s.optimizer(), step -> batch(seed, step, batch), s, out, progress);
    }

    private static Path sftDir;

    /** The committed SFT checkpoint, unpacked from the resources into a temporary directory once per JVM. */
    public static synchronized Path sftDirectory() {
        if (sftDir != null) return sftDir;
        try {
            Path dir = Files.createTempDirectory("anchor-world-sft");
            dir.toFile().deleteOnExit(); // registered first, deleted last: after the files in it
            for (String f : SFT_FILES) {
                try (InputStream in = World.class.getResourceAsStream(RESOURCE_DIR + "sft/" + f)) {
                    if (in == null) throw new AnchorException("the world's SFT model is not built into this copy of Anchor (missing "
                            + RESOURCE_DIR + "sft/" + f + "); rebuild it with: anchor world pretrain");
                    Files.copy(in, dir.resolve(f));
                    dir.resolve(f).toFile().deleteOnExit();
                }
            }
            sftDir = dir;
            return dir;
        } catch (IOException e) {
            throw new AnchorException("cannot unpack the world's SFT model: " + e.getMessage(), e);
        }
    }
}
