package anchor.world;

import anchor.AnchorException;
import anchor.data.PreferencePair;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.tokenizer.Gpt2Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The world's preference data, written as TRL's JSONL ({@link anchor.data.PreferenceJsonl}): each
 * prompt is {@code <|endoftext|>} and one sentence of the language; two responses are sampled from the SFT model; the label is drawn from the
 * Bradley–Terry model on the gold reward, P(a ≻ b) = σ(gold(a) − gold(b)), so labels are realistically noisy.
 * Every pair also records both gold rewards. Seeded: the same model and seed give the same file, byte for byte.
 */
public final class PreferenceData {
    private PreferenceData() {
    }

    public static final int MAX_RESPONSE_TOKENS = 40;
    static final int GENERATION_BATCH = 64;

    /**
     * The prompt's tokens, as TRL and Hugging Face's tokenizer make them. World prompts begin with the literal
     * {@code <|endoftext|>} (GPT-2's document separator, the last id of the vocabulary, which the SFT model saw before every story), so
     * any implementation that tokenizes the JSONL the usual way gives the model the context it was trained with.
     */
    public static int[] promptIds(String prompt) {
        return World.tokenizer().encode(prompt);
    }

    /** The sentence of a world prompt, without its leading {@code <|endoftext|>}. */
    public static String sentenceOf(String prompt) {
        return prompt.startsWith(Gpt2Tokenizer.EOT) ? prompt.substring(Gpt2Tokenizer.EOT.length()) : prompt;
    }

    /** A response as text: the sampled tokens up to (not including) {@code <|endoftext|>}. */
    public static String responseText(int[] sampled) {
        int n = 0;
        Gpt2Tokenizer tok = World.tokenizer();
        while (n < sampled.length && sampled[n] != tok.eotId()) n++;
        return tok.decode(java.util.Arrays.copyOf(sampled, n));
    }

    /** Samples one response per prompt at temperature 1, in batches. */
    public static List<String> sample(Gpt2Model model, List<String> prompts, long seed) {
        List<String> out = new ArrayList<>();
        for (int[] r : sampleIds(model, prompts, seed)) out.add(responseText(r));
        return out;
    }

    /**
     * The same samples as {@link #sample} as the tokens drawn: cut after the first {@code <|endoftext|>}, which is kept
     * where it was sampled; a response that reached {@link #MAX_RESPONSE_TOKENS} without one has none.
     */
    public static List<int[]> sampleIds(Gpt2Model model, List<String> prompts, long seed) {
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += GENERATION_BATCH) {
            List<String> chunk = prompts.subList(from, Math.min(prompts.size(), from + GENERATION_BATCH));
            int[][] ids = chunk.stream().map(PreferenceData::promptIds).toArray(int[][]::new);
            int[][] resp = Generator.generate(model, ids, new Generator.Settings(MAX_RESPONSE_TOKENS, 1.0, 0, 1.0, seed * 7919 + from, true));
            for (int[] r : resp) out.add(throughFirstEos(r));
        }
        return out;
    }

    static int[] throughFirstEos(int[] sampled) {
        for (int i = 0; i < sampled.length; i++) if (sampled[i] == World.tokenizer().eotId()) return java.util.Arrays.copyOf(sampled, i + 1);
        return sampled;
    }

    public static List<String> prompts(long seed, int n) {
        Random r = new Random(seed);
        List<String> p = new ArrayList<>();
        for (int i = 0; i < n; i++) p.add(Gpt2Tokenizer.EOT + Language.sentence(r));
        return p;
    }

    public static List<PreferencePair> generate(Gpt2Model sft, long seed, int n) {
        List<String> prompts = prompts(seed, n);
        List<String> a = nonEmpty(sft, prompts, sample(sft, prompts, seed * 2), seed * 2),
                b = nonEmpty(sft, prompts, sample(sft, prompts, seed * 2 + 1), seed * 2 + 1);
        Random labels = new Random(seed ^ 0x5DEECE66DL);
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double ga = GoldReward.of(a.get(i)), gb = GoldReward.of(b.get(i));
            boolean aWins = labels.nextDouble() < 1 / (1 + Math.exp(-(ga - gb)));
            pairs.add(aWins ? new PreferencePair(prompts.get(i), a.get(i), b.get(i), ga, gb) : new PreferencePair(prompts.get(i), b.get(i), a.get(i), gb, ga));
        }
        return pairs;
    }

    /** Resamples (seeded) the responses that came out empty — the model ended the story at once — so every pair trains. */
    static List<String> nonEmpty(Gpt2Model model, List<String> prompts, List<String> responses, long seed) {
        List<String> out = new ArrayList<>(responses);
        for (int i = 0; i < out.size(); i++) {
            for (int attempt = 1; out.get(i).isBlank(); attempt++) {
                if (attempt > 20) throw new AnchorException("the model keeps ending the story at once after prompt '" + prompts.get(i) + "'");
                out.set(i, sample(model, List.of(prompts.get(i)), seed * 1_000 + i * 31L + attempt).get(0));
            }
        }
        return out;
    }
}
