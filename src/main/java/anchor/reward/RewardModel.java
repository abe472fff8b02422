package anchor.reward;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.data.PromptResponse;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.TokenBatch;
import anchor.safetensors.DType;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reward model: a GPT-2 trunk and a scalar head, whose score of prompt + response is read at the sequence's last
 * token — the {@code <|endoftext|>} that ends a finished response (TRL appends it to every chosen and rejected text).
 * After training it is normalised so that the initial policy's own samples score mean 0 and standard deviation 1
 * (Ziegler et al. 2019, §2.2): r = gain · score + bias. Saved as a Hugging Face {@code GPT2ForSequenceClassification}
 * directory with the normalisation folded into the weights ({@link Normalization#foldInto}), so that the class's own
 * score already is r; {@value #NORMALIZATION} records the folded gain and bias (directories written before the fold
 * hold an unfolded gain and bias there, which {@link #normalization} still applies).
 */
public final class RewardModel {
    private RewardModel() {
    }

    public static final String NORMALIZATION = "reward_normalization.json";

    /** r = gain · score + bias. */
    public record Normalization(double gain, double bias) {
        public static final Normalization IDENTITY = new Normalization(1, 0);

        public double apply(double score) {
            return gain * score + bias;
        }

        /** The gain and bias that give {@code scores} mean 0 and (population) standard deviation 1. */
        public static Normalization fit(double[] scores) {
            double mean = 0, var = 0;
            for (double s : scores) mean += s / scores.length;
            for (double s : scores) var += (s - mean) * (s - mean) / scores.length;
            if (!(var > 0)) throw new AnchorException("cannot normalise the reward: all " + scores.length + " scores are equal");
            double gain = 1 / Math.sqrt(var);
            return new Normalization(gain, -mean * gain);
        }

        /**
         * The same reward model with r = gain · score + bias computed by the weights themselves: the head is scaled,
         * {@code w' = gain · w}, and the bias enters through the final layer norm's shift, which only the head reads:
         * {@code ln_f.bias += bias · w' / |w'|²} adds exactly {@code w' · (bias · w' / |w'|²) = bias} to every score.
         */
        public Gpt2Weights foldInto(Gpt2Weights w) {
            float[] head = w.get(Gpt2Weights.SCORE).clone(), shift = w.get("ln_f.bias").clone();
            double norm2 = 0;
            for (int i = 0; i < head.length; i++) {
                head[i] = (float) (gain * head[i]);
                norm2 += (double) head[i] * head[i];
            }
            if (!(norm2 > 0)) throw new AnchorException("cannot fold the normalisation into a zero score head");
            for (int i = 0; i < shift.length; i++) shift[i] = (float) (shift[i] + bias * head[i] / norm2);
            return w.withScoreHead(head).with("ln_f.bias", shift);
        }
    }

    /** The initial reward model: the given trunk (an SFT model) and a fresh scalar head, N(0, initializer_range²). */
    public static Gpt2Weights init(Gpt2Weights trunk, long seed) {
        return trunk.withScoreHead(Gpt2Init.scoreHead(trunk.config(), seed));
    }

    /** The raw score of each row of a right- or left-padded batch, read at the row's last real token. */
    public static double[] lastTokenScores(Gpt2Model model, TokenBatch batch) {
        double[][] s = model.scores(batch);                                            // (B, T)
        double[] out = new double[batch.batchSize()];
        for (int b = 0; b < out.length; b++) out[b] = s[b][lastReal(batch, b)];
        return out;
    }

    static int lastReal(TokenBatch batch, int b) {
        for (int t = batch.length() - 1; t >= 0; t--) if (batch.mask()[b][t] == 1) return t;
        throw new AnchorException("row " + b + " has no real token");
    }

    /** Raw scores of whole sequences (prompt + response + EOS as token ids), in batches of {@code batch}. */
    public static double[] scores(Gpt2Model model, List<int[]> sequences, int batch) {
        double[] out = new double[sequences.size()];
        for (int from = 0; from < sequences.size(); from += batch) {
            int to = Math.min(sequences.size(), from + batch);
            double[] s = lastTokenScores(model, TokenBatch.bucketed(sequences.subList(from, to).toArray(int[][]::new), false, model.config().nPositions()));
            System.arraycopy(s, 0, out, from, s.length);
        }
        return out;
    }

    /**
     * The normalisation of Ziegler et al.: one sample per prompt from {@code policy} at temperature 1 (up to
     * {@code maxTokens}, stopping at {@code <|endoftext|>}), scored with the EOS appended where the sample lacks it.
     */
    public static Normalization fitOnSamples(Gpt2Model reward, Gpt2Model policy, List<int[]> prompts, int maxTokens, long seed) {
        List<int[]> seqs = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += 64) {
            int[][] chunk = prompts.subList(from, Math.min(prompts.size(), from + 64)).toArray(int[][]::new);
            int[][] resp = Generator.generate(policy, chunk, new Generator.Settings(maxTokens, 1.0, 0, 1.0, seed + from, true));
            for (int i = 0; i < chunk.length; i++) seqs.add(withEos(chunk[i], resp[i], policy.config().eotId()));
        }
        return Normalization.fit(scores(reward, seqs, 32));
    }

    /** prompt + response, ending in {@code <|endoftext|>} (added when the sampled response did not end with it). */
    public static int[] withEos(int[] prompt, int[] response, int eot) {
        boolean ended = response.length > 0 && response[response.length - 1] == eot;
        return PromptResponse.ids(prompt, response, ended ? PromptResponse.NO_END : eot);
    }

    /** The weights of the reward (or value) model in {@code dir}; refused when the directory has no scalar head. */
    public static Gpt2Weights load(Path dir) {
        Gpt2Weights w = HfCheckpoint.load(dir);
        if (!w.hasScoreHead()) throw new AnchorException(dir + " is not a reward model: its config.json does not name GPT2ForSequenceClassification");
        return w;
    }

    /** Writes the model with {@code n} folded into its weights, and the folded gain and bias beside it. */
    public static void save(Gpt2Weights weights, Normalization n, Path dir) {
        HfCheckpoint.save(n.foldInto(weights), dir, DType.F32);
        try {
            var json = new ObjectMapper().createObjectNode().put("gain", 1.0).put("bias", 0.0);
            json.putObject("folded_into_weights").put("gain", n.gain()).put("bias", n.bias());
            Files.writeString(dir.resolve(NORMALIZATION), json.toString() + "\n");
        } catch (IOException e) {
            throw new AnchorException("cannot write " + dir.resolve(NORMALIZATION) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The normalisation still to apply to a reward model's scores: the identity for the directories written now (the
     * gain and bias are folded into the weights) and for any directory without {@value #NORMALIZATION}.
     */
    public static Normalization normalization(Path dir) {
        Path f = dir.resolve(NORMALIZATION);
        if (!Files.exists(f)) return Normalization.IDENTITY;
        try {
            var n = new ObjectMapper().readTree(f.toFile());
            if (!n.path("gain").isNumber() || !n.path("bias").isNumber()) throw new AnchorException(f + ": needs numbers \"gain\" and \"bias\"");
            return new Normalization(n.get("gain").asDouble(), n.get("bias").asDouble());
        } catch (IOException e) {
            throw new AnchorException("cannot read " + f + ": " + e.getMessage());
        }
    }
}
