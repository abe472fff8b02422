package anchor.world;

import anchor.Seeds;
import anchor.AnchorException;
import anchor.data.PreferenceJsonl;
import anchor.data.PreferencePair;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.train.LmTrainer;
import anchor.train.RunLoop;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.TokenBatch;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.tokenizer.VocabularySlice;

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
        Random r = new Random(Seeds.perStep(seed, step));
        Gpt2Tokenizer tok = tokenizer();
        int[][] rows = new int[batchSize][SEQ_LEN];
        for (int[] row : rows) {
            int n = 0;
            while (n < SEQ_LEN) {
                String story = Language.story(r);
                if (!keep.test(story)) continue;
                row[n++] = tok.eotId();
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

    private static volatile VocabularySlice vocabulary;

    /** GPT-2's vocabulary cut to the world's language ({@link Language#wordForms()}): 925 tokens, 668 merges (not used by the SFT model yet). */
    public static VocabularySlice vocabulary() {
        if (vocabulary == null) vocabulary = VocabularySlice.of(Language.wordForms());
        return vocabulary;
    }

    /** The tokenizer of the world's SFT model: the files in its directory, GPT-2's where it has none. */
    public static synchronized Gpt2Tokenizer tokenizer() {
        if (tokenizer == null) tokenizer = Gpt2Tokenizer.forModel(sftDirectory());
        return tokenizer;
    }

    private static Gpt2Tokenizer tokenizer;

    /**
     * A world model of random weights ({@link Gpt2Init#random}): what pretraining starts from. (Its weights carry no
     * tokenizer files; saved, it gets GPT-2's, the world's vocabulary.)
     */
    public static Gpt2Model randomModel(long seed) {
        return Gpt2Model.of(Gpt2Init.random(SFT_CONFIG, seed));
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

    /**
     * The identity of the world's SFT model in a run's saved settings: "world:sft@" and the first 16 hex digits of
     * the SHA-256 of its committed files (its unpacked directory may be a new one each time; a run made on another
     * world's SFT model — an older Anchor's — then is not resumed on this one, nor its cached reward model reused).
     */
    public static String sftId() {
        return "world:sft@" + sftHash();
    }

    private static String sftHash;

    private static synchronized String sftHash() {
        if (sftHash == null) {
            try {
                sftHash = hash(readSft());
            } catch (IOException e) {
                throw new AnchorException("cannot read the world's SFT model: " + e.getMessage(), e);
            }
        }
        return sftHash;
    }

    private static byte[][] readSft() throws IOException {
        byte[][] files = new byte[SFT_FILES.length][];
        for (int i = 0; i < SFT_FILES.length; i++) {
            try (InputStream in = World.class.getResourceAsStream(RESOURCE_DIR + "sft/" + SFT_FILES[i])) {
                if (in == null) throw missingSft(SFT_FILES[i]);
                files[i] = in.readAllBytes();
            }
        }
        return files;
    }

    /** The first 16 hex digits of the SHA-256 of the files' bytes, in order. */
    static String hash(byte[][] files) {
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (byte[] f : files) sha.update(f);
        return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /**
     * Pretrains {@code model} on the world's stories with the pretraining recipe ({@link LmTrainer.Settings#pretraining}),
     * in the run directory {@code out} (resumed when it holds a checkpoint of the same run).
     */
    public static RunLoop.Result pretrain(Gpt2Model model, int steps, int batch, double lr, long seed, Path out, boolean progress) {
        LmTrainer.Settings s = LmTrainer.Settings.pretraining(steps, lr, seed, 100);
        return LmTrainer.train(model, s.optimizer(), step -> batch(seed, step, batch), s, out, progress);
    }

    private static Path sftDir;

    /**
     * The committed SFT checkpoint as a directory. Run from a classes folder (as {@code ./anchor} and the tests do), it
     * is that folder itself: nothing is copied. Run from a jar, it is unpacked once into a folder of the temporary
     * directory named by the checkpoint's SHA-256, written under a temporary name and moved into place, and reused by
     * every later run of the same checkpoint: one folder per checkpoint, not one per process (a killed process used
     * to leave a 14 MB copy behind).
     */
    public static synchronized Path sftDirectory() {
        if (sftDir != null) return sftDir;
        java.net.URL config = World.class.getResource(RESOURCE_DIR + "sft/" + SFT_FILES[0]);
        if (config == null) throw missingSft(SFT_FILES[0]);
        try {
            sftDir = "file".equals(config.getProtocol()) ? Path.of(config.toURI()).getParent()
                    : unpackSft(Path.of(System.getProperty("java.io.tmpdir")));
            return sftDir;
        } catch (IOException | java.net.URISyntaxException e) {
            throw new AnchorException("cannot unpack the world's SFT model: " + e.getMessage(), e);
        }
    }

    /** The world's SFT model's weights, loaded from {@link #sftDirectory()}: the one loader every command and study uses. */
    public static anchor.gpt2.Gpt2Weights sftWeights() {
        return anchor.checkpoint.HfCheckpoint.load(sftDirectory());
    }

    /** Unpacks the SFT files into {@code root}/anchor-world-sft-HASH unless they are there already; returns that folder. */
    static Path unpackSft(Path root) throws IOException {
        byte[][] files = readSft();
        String hash = hash(files);
        Path dir = root.resolve("anchor-world-sft-" + hash);
        if (isUnpacked(dir, files)) return dir;
        if (Files.isDirectory(dir)) { // a damaged copy (edited or cut short): it is ours by name, replace it
            for (String f : SFT_FILES) Files.deleteIfExists(dir.resolve(f));
            Files.deleteIfExists(dir);
        }
        Path tmp = Files.createTempDirectory(root, "anchor-world-sft-" + hash + ".tmp");
        try {
            for (int i = 0; i < SFT_FILES.length; i++) Files.write(tmp.resolve(SFT_FILES[i]), files[i]);
            Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!isUnpacked(dir, files)) throw e; // another process moved its copy in first: use that one
        } finally {
            for (String f : SFT_FILES) Files.deleteIfExists(tmp.resolve(f));
            Files.deleteIfExists(tmp);
        }
        return dir;
    }

    private static boolean isUnpacked(Path dir, byte[][] files) throws IOException {
        for (int i = 0; i < SFT_FILES.length; i++) {
            Path f = dir.resolve(SFT_FILES[i]);
            if (!Files.isRegularFile(f) || !java.util.Arrays.equals(Files.readAllBytes(f), files[i])) return false;
        }
        return true;
    }

    private static AnchorException missingSft(String file) {
        return new AnchorException("the world's SFT model is not built into this copy of Anchor (missing "
                + RESOURCE_DIR + "sft/" + file + "); rebuild it with: anchor world pretrain");
    }
}
