package anchor.checkpoint;

import anchor.AnchorException;
import anchor.tokenizer.HfTokenizerFiles;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.safetensors.DType;
import anchor.safetensors.SafetensorsFile;
import anchor.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and writes Hugging Face GPT-2 directories: {@code config.json} plus {@code model.safetensors}, or shards
 * listed in {@code model.safetensors.index.json}. Keys may carry the {@code transformer.} prefix (as
 * {@code GPT2LMHeadModel.save_pretrained} writes them) or not (as the hub's original {@code gpt2} files have them).
 * Every expected key must be present with its exact shape; the causal-mask buffers are skipped by name; anything
 * else is reported. Pickle checkpoints ({@code pytorch_model.bin}) are refused, never executed.
 *
 * <p>A reward or value model is a {@code GPT2ForSequenceClassification} directory: {@code architectures} names that
 * class, {@code id2label} has one label ({@code num_labels} 1), the trunk's keys carry the {@code transformer.} prefix
 * and the head is {@code score.weight} (1, n_embd), no bias; it has no {@code lm_head} (the tied {@code wte} remains).
 * Its {@code score.weight} is read only when the config names that class (elsewhere it is an unexpected key).
 */
public final class HfCheckpoint {
    private HfCheckpoint() {
    }

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    static final String PREFIX = "transformer.";
    /** Non-parameter buffers HF GPT-2 checkpoints may carry: the causal mask and its fill value. */
    static final Pattern SKIPPED_BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");

    /** What an import saw besides the weights. */
    public record Report(List<Path> files, List<String> skippedBuffers, List<String> unexpectedKeys, List<DType> dtypes) {
    }

    public record Loaded(Gpt2Weights weights, Report report) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Gpt2Weights load(Path dir) {
        return loadWithReport(dir).weights();
    }

    public static Loaded loadWithReport(Path dir) {
        if (!Files.isDirectory(dir)) throw new AnchorException("model directory " + dir + " does not exist or is not a directory");
        Path single = dir.resolve(WEIGHTS), index = dir.resolve(INDEX);
        if (!Files.exists(single) && !Files.exists(index)) {
            for (String pickle : List.of("pytorch_model.bin", "pytorch_model.bin.index.json", "model.ckpt", "model.pt")) {
                if (Files.exists(dir.resolve(pickle))) {
                    throw new AnchorException(dir + " holds only " + pickle + ", a pickle file, which Anchor never loads (unpickling runs"
                            + " arbitrary code). Convert it once with Python: GPT2LMHeadModel.from_pretrained(dir)"
                            + ".save_pretrained(out, safe_serialization=True), or download model.safetensors from the hub.");
                }
            }
            throw new AnchorException(dir + " has no " + WEIGHTS + " or " + INDEX);
        }
        Gpt2Config config = Gpt2Config.fromJson(dir.resolve(CONFIG));

        // name (as stored) -> the file that holds it
        Map<String, SafetensorsFile> where = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        if (Files.exists(index)) {
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (var e : readIndex(index).entrySet()) {
                SafetensorsFile f = shards.computeIfAbsent(e.getValue(), s -> {
                    Path p = dir.resolve(s).normalize();
                    if (!p.startsWith(dir.normalize())) throw new AnchorException(index + ": shard '" + s + "' lies outside the model directory");
                    files.add(p);
                    return SafetensorsFile.open(p);
                });
                if (!f.tensors().containsKey(e.getKey())) {
                    throw new AnchorException(index + " maps '" + e.getKey() + "' to " + e.getValue() + ", which has no such tensor");
                }
                where.put(e.getKey(), f);
            }
        } else {
            SafetensorsFile f = SafetensorsFile.open(single);
            files.add(single);
            f.tensors().keySet().forEach(k -> where.put(k, f));
        }

        checkLayerCount(dir, config, where.keySet());
        Map<String, long[]> expected = new LinkedHashMap<>(Gpt2Weights.expectedShapes(config));
        if (isSequenceClassifier(dir.resolve(CONFIG), config)) expected.put(Gpt2Weights.SCORE, Gpt2Weights.scoreShape(config));
        Map<String, String> stored = new LinkedHashMap<>(); // canonical name -> stored name
        List<String> skipped = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String key : where.keySet()) {
            String name = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
            if (SKIPPED_BUFFER.matcher(name).matches()) {
                skipped.add(key);
            } else if (name.equals("lm_head.weight") && config.tieWordEmbeddings()) {
                skipped.add(key); // tied: the head is wte, as in HF
            } else if (!expected.containsKey(name)) {
                unexpected.add(key);
            } else if (stored.put(name, key) != null) {
                throw new AnchorException(dir + ": tensor '" + name + "' is stored twice (with and without the '" + PREFIX + "' prefix)");
            }
        }
        List<String> missing = expected.keySet().stream().filter(k -> !stored.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            throw new AnchorException(dir + ": checkpoint does not match config.json: " + missing.size() + " missing tensor(s): "
                    + abbreviate(missing) + (unexpected.isEmpty() ? "" : "; unexpected: " + abbreviate(unexpected)));
        }
        Map<String, Gpt2Weights.Tensor> tensors = new LinkedHashMap<>();
        TreeSet<DType> dtypes = new TreeSet<>();
        for (var e : expected.entrySet()) {
            String key = stored.get(e.getKey());
            SafetensorsFile f = where.get(key);
            SafetensorsFile.TensorInfo info = f.info(key);
            if (!Arrays.equals(info.shape(), e.getValue())) {
                throw new AnchorException(f.path() + ": tensor '" + key + "' has shape " + info.shapeString()
                        + " but config.json needs " + Arrays.toString(e.getValue()));
            }
            dtypes.add(info.dtype());
            tensors.put(e.getKey(), new Gpt2Weights.Tensor(f.readFloats(key), e.getValue()));
        }
        for (var e : tensors.entrySet()) checkFinite(dir, e.getKey(), e.getValue().data());
        return new Loaded(new Gpt2Weights(config, tensors, tokenizerFiles(dir)), new Report(files, skipped, unexpected, List.copyOf(dtypes)));
    }

    /** The directory's {@code vocab.json} and {@code merges.txt} as text, or null unless it has both (they are parsed by the tokenizer, not here). */
    private static Gpt2Weights.TokenizerFiles tokenizerFiles(Path dir) {
        Path vocab = dir.resolve(HfTokenizerFiles.VOCAB), merges = dir.resolve(HfTokenizerFiles.MERGES);
        if (!Files.isRegularFile(vocab) || !Files.isRegularFile(merges)) return null;
        try {
            return new Gpt2Weights.TokenizerFiles(Files.readString(vocab), Files.readString(merges));
        } catch (IOException e) {
            throw new AnchorException("cannot read the tokenizer files of " + dir + ": " + e.getMessage(), e);
        }
    }

    private static final java.util.regex.Pattern LAYER = java.util.regex.Pattern.compile("(?:" + java.util.regex.Pattern.quote(PREFIX) + ")?h\\.(\\d+)\\..*");

    /**
     * The layers the files hold must be the layers config.json names: fewer in the config would silently drop trained
     * layers, more would build names for layers that do not exist (a mistyped n_layer of 10⁹ would take minutes).
     */
    private static void checkLayerCount(Path dir, Gpt2Config config, java.util.Set<String> names) {
        int layers = 0;
        for (String n : names) {
            var m = LAYER.matcher(n);
            if (m.matches()) layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
        }
        if (layers != config.nLayer()) {
            throw new AnchorException(dir + ": config.json says n_layer = " + config.nLayer() + " but the weights hold " + layers + " layer(s) (h.0 … h." + (layers - 1) + ")");
        }
    }

    static final String CLASSIFIER = "GPT2ForSequenceClassification";

    /** Whether config.json describes a scalar-head model; refused unless it has exactly one label and a tied embedding. */
    private static boolean isSequenceClassifier(Path configFile, Gpt2Config config) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configFile));
        } catch (IOException e) {
            throw new AnchorException("cannot parse " + configFile + ": " + e.getMessage());
        }
        boolean classifier = false;
        for (JsonNode a : root.path("architectures")) classifier |= a.asText().equals(CLASSIFIER);
        if (!classifier) return false;
        int labels = root.has("id2label") ? root.get("id2label").size() : root.path("num_labels").asInt(2);
        if (labels != 1) throw new AnchorException(configFile + ": a " + CLASSIFIER + " with " + labels + " labels; Anchor's scalar head has exactly one (num_labels 1)");
        if (!config.tieWordEmbeddings()) throw new AnchorException(configFile + ": an untied " + CLASSIFIER + " is not supported (Anchor keeps GPT-2's tied embedding)");
        return true;
    }

    private static void checkFinite(Path dir, String name, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) throw new AnchorException(dir + ": tensor '" + name + "' holds a non-finite value (" + v[i] + ") at index " + i);
        }
    }

    private static Map<String, String> readIndex(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (IOException e) {
            throw new AnchorException("cannot parse " + index + ": " + e.getMessage());
        }
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) throw new AnchorException(index + " has no weight_map object");
        Map<String, String> out = new LinkedHashMap<>();
        map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names) : String.join(", ", names.subList(0, 6)) + ", … (" + names.size() + " in all)";
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} as {@code GPT2LMHeadModel.save_pretrained} does:
     * keys prefixed with {@code transformer.}, {@code lm_head.weight} only when untied, metadata {"format": "pt"} — or,
     * for weights with a scalar head, as {@code GPT2ForSequenceClassification.save_pretrained} does ({@code score.weight}
     * unprefixed, one label, no {@code pad_token_id}).
     */
    public static void save(Gpt2Weights weights, Path dir, DType dtype) {
        Map<String, SafetensorsWriter.Source> tensors = new LinkedHashMap<>();
        weights.tensors().forEach((name, t) -> tensors.put(name, new SafetensorsWriter.Tensor(t.data(), t.shape())));
        write(weights.config(), tensors, weights.tokenizer(), dir, dtype);
    }

    /**
     * As {@link #save(Gpt2Weights, Path, DType)}, from a model's live parameters, each read out only when the file
     * reaches it: the Java heap never holds a copy of the whole model (0.5 GB for GPT-2 124M), which a run's final
     * save and every checkpoint would otherwise add to its peak. Without the scalar head unless {@code withScoreHead}.
     */
    public static void save(Gpt2Model model, boolean withScoreHead, Path dir, DType dtype) {
        Map<String, SafetensorsWriter.Source> tensors = new LinkedHashMap<>();
        model.parameters().forEach((name, a) -> {
            if (withScoreHead || !name.equals(Gpt2Weights.SCORE)) tensors.put(name, new SafetensorsWriter.Lazy(a.shape(), () -> Gpt2Weights.floats(a)));
        });
        write(model.config(), tensors, model.tokenizerFiles(), dir, dtype);
    }

    private static void write(Gpt2Config c, Map<String, SafetensorsWriter.Source> tensors, Gpt2Weights.TokenizerFiles tokenizer, Path dir, DType dtype) {
        var config = c.toJson();
        if (tensors.containsKey(Gpt2Weights.SCORE)) {
            if (!c.tieWordEmbeddings()) throw new AnchorException("an untied model with a scalar head cannot be saved as a " + CLASSIFIER);
            config.putArray("architectures").add(CLASSIFIER);
            config.putObject("id2label").put("0", "LABEL_0");
            config.putObject("label2id").put("LABEL_0", 0);
            // no pad_token_id: Hugging Face then reads the score of one unpadded sequence at its last token, as
            // Anchor does; with pad = <|endoftext|> it would skip a final <|endoftext|> and read the token before it
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(config) + "\n");
        } catch (IOException e) {
            throw new AnchorException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        Map<String, SafetensorsWriter.Source> out = new LinkedHashMap<>();
        tensors.forEach((name, t) -> out.put(name.startsWith("lm_head") || name.equals(Gpt2Weights.SCORE) ? name : PREFIX + name, t));
        SafetensorsWriter.write(dir.resolve(WEIGHTS), out, dtype, Map.of("format", "pt"));
        if (tokenizer != null) {
            HfTokenizerFiles.write(dir, tokenizer.vocabJson(), tokenizer.mergesTxt());
            writeGenerationConfig(c, dir);
        } else if (c.vocabSize() == Gpt2Config.GPT2_VOCAB) {
            HfTokenizerFiles.writeGpt2(dir);
            writeGenerationConfig(c, dir);
        }
    }

    /**
     * With the tokenizer files (the weights' own, else GPT-2's for a GPT-2-vocabulary model), what makes the directory
     * a complete Hugging Face repo: {@code generation_config.json}, whose EOS (the last id, {@code <|endoftext|>})
     * ends generation.
     */
    private static void writeGenerationConfig(Gpt2Config c, Path dir) {
        var gen = JSON.createObjectNode().put("_from_model_config", true).put("bos_token_id", c.eotId()).put("eos_token_id", c.eotId());
        try {
            Files.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(gen) + "\n");
        } catch (IOException e) {
            throw new AnchorException("cannot write " + dir.resolve("generation_config.json") + ": " + e.getMessage(), e);
        }
    }
}
