package anchor.world;

import anchor.AnchorException;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.tokenizer.Gpt2Tokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The world's preference data, in TRL's JSONL format ({@code prompt}, {@code chosen}, {@code rejected}): each
 * prompt is {@code <|endoftext|>} and one sentence of the language; two responses are sampled from the SFT model; the label is drawn from the
 * Bradley–Terry model on the gold reward, P(a ≻ b) = σ(gold(a) − gold(b)), so labels are realistically noisy.
 * Every pair also records both gold rewards. Seeded: the same model and seed give the same file, byte for byte.
 */
public final class PreferenceData {
    private PreferenceData() {
    }

    public record Pair(String prompt, String chosen, String rejected, double chosenGold, double rejectedGold) {
    }

    public static final int MAX_RESPONSE_TOKENS = 40;
    static final int GENERATION_BATCH = 64;

    /**
     * The prompt's tokens, as TRL and Hugging Face's tokenizer make them. World prompts begin with the literal
     * {@code <|endoftext|>} (token 50256, GPT-2's document separator, which the SFT model saw before every story), so
     * any implementation that tokenizes the JSONL the usual way gives the model the context it was trained with.
     */
    public static int[] promptIds(String prompt) {
        return Gpt2Tokenizer.gpt2().encode(prompt);
    }

    /** The sentence of a world prompt, without its leading {@code <|endoftext|>}. */
    public static String sentenceOf(String prompt) {
        return prompt.startsWith(Gpt2Tokenizer.EOT) ? prompt.substring(Gpt2Tokenizer.EOT.length()) : prompt;
    }

    /** A response as text: the sampled tokens up to (not including) {@code <|endoftext|>}. */
    public static String responseText(int[] sampled) {
        int n = 0;
        while (n < sampled.length && sampled[n] != Gpt2Tokenizer.EOT_ID) n++;
        return Gpt2Tokenizer.gpt2().decode(java.util.Arrays.copyOf(sampled, n));
    }

    /** Samples one response per prompt at temperature 1, in batches. */
    public static List<String> sample(Gpt2Model model, List<String> prompts, long seed) {
        List<String> out = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += GENERATION_BATCH) {
            List<String> chunk = prompts.subList(from, Math.min(prompts.size(), from + GENERATION_BATCH));
            int[][] ids = chunk.stream().map(PreferenceData::promptIds).toArray(int[][]::new);
            int[][] resp = Generator.generate(model, ids, new Generator.Settings(MAX_RESPONSE_TOKENS, 1.0, 0, 1.0, seed * 7919 + from, true));
            for (int[] r : resp) out.add(responseText(r));
        }
        return out;
    }

    public static List<String> prompts(long seed, int n) {
        Random r = new Random(seed);
        List<String> p = new ArrayList<>();
        for (int i = 0; i < n; i++) p.add(Gpt2Tokenizer.EOT + Language.sentence(r));
        return p;
    }

    public static List<Pair> generate(Gpt2Model sft, long seed, int n) {
        List<String> prompts = prompts(seed, n);
        List<String> a = nonEmpty(sft, prompts, sample(sft, prompts, seed * 2), seed * 2),
                b = nonEmpty(sft, prompts, sample(sft, prompts, seed * 2 + 1), seed * 2 + 1);
        Random labels = new Random(seed ^ 0x5DEECE66DL);
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double ga = GoldReward.of(a.get(i)), gb = GoldReward.of(b.get(i));
            boolean aWins = labels.nextDouble() < 1 / (1 + Math.exp(-(ga - gb)));
            pairs.add(aWins ? new Pair(prompts.get(i), a.get(i), b.get(i), ga, gb) : new Pair(prompts.get(i), b.get(i), a.get(i), gb, ga));
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

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void write(List<Pair> pairs, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Pair p : pairs) {
            ObjectNode o = JSON.createObjectNode().put("prompt", p.prompt()).put("chosen", p.chosen()).put("rejected", p.rejected())
                    .put("chosen_gold", p.chosenGold()).put("rejected_gold", p.rejectedGold());
            sb.append(o).append('\n');
        }
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new AnchorException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads TRL JSONL. Malformed lines are reported with their line numbers, all at once, and nothing else is lost;
     * lines missing a field or with an empty response are reported the same way.
     */
    public static List<Pair> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new AnchorException("cannot read " + file + ": " + e.getMessage());
        }
        List<Pair> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            try {
                var o = JSON.readTree(line);
                String prompt = text(o, "prompt"), chosen = text(o, "chosen"), rejected = text(o, "rejected");
                if (chosen.isEmpty() || rejected.isEmpty()) throw new IllegalArgumentException("empty response");
                pairs.add(new Pair(prompt, chosen, rejected, o.path("chosen_gold").asDouble(Double.NaN), o.path("rejected_gold").asDouble(Double.NaN)));
            } catch (IOException | IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + (e instanceof IOException ? "not valid JSON" : e.getMessage()));
            }
        }
        if (!problems.isEmpty()) throw new AnchorException(file + ": " + problems.size() + " bad line(s): " + String.join("; ", problems.subList(0, Math.min(10, problems.size()))));
        if (pairs.isEmpty()) throw new AnchorException(file + ": no preference pairs");
        return pairs;
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode o, String field) {
        var v = o.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("missing text field '" + field + "'");
        return v.asText();
    }
}
