package anchor.gpt2;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a GPT-2 model, with the field names of Hugging Face's {@code GPT2Config}.
 *
 * @param nLayer            transformer blocks
 * @param nHead             attention heads per block
 * @param nEmbd             residual width C
 * @param nPositions        context length (rows of {@code wpe})
 * @param vocabSize         rows of {@code wte}
 * @param nInner            MLP hidden width (HF's {@code n_inner}; null there means 4·C)
 * @param layerNormEpsilon  ε inside every layer norm
 * @param tieWordEmbeddings whether {@code lm_head.weight} is {@code wte.weight}
 * @param embdPdrop         dropout on the summed embeddings (training mode only)
 * @param attnPdrop         dropout on the attention probabilities (training mode only)
 * @param residPdrop        dropout on each residual branch (training mode only)
 * @param initializerRange  standard deviation of the normal init
 */
public record Gpt2Config(int nLayer, int nHead, int nEmbd, int nPositions, int vocabSize, int nInner,
                         double layerNormEpsilon, boolean tieWordEmbeddings,
                         double embdPdrop, double attnPdrop, double residPdrop, double initializerRange) {

    public static final int GPT2_VOCAB = 50257;

    /** The presets of Hugging Face's hub, annotated with their trainable parameter counts (tied head counted once). */
    public static final Map<String, Gpt2Config> PRESETS = presets();

    private static Map<String, Gpt2Config> presets() {
        Map<String, Gpt2Config> m = new LinkedHashMap<>();
        m.put("gpt2", standard(12, 12, 768));           // 124,439,808
        m.put("gpt2-medium", standard(24, 16, 1024));   // 354,823,168
        m.put("gpt2-large", standard(36, 20, 1280));    // 774,030,080
        m.put("gpt2-xl", standard(48, 25, 1600));       // 1,557,611,200
        m.put("gpt2-tiny", new Gpt2Config(2, 4, 64, 128, GPT2_VOCAB, 256, 1e-5, true, 0.1, 0.1, 0.1, 0.02)); // 3,324,736
        m.put("gpt2-exact", new Gpt2Config(2, 2, 16, 8, 6, 64, 1e-5, true, 0, 0, 0, 0.02)); // the exact world (chapter 7): 5 tokens + <|endoftext|>, 8 positions
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Gpt2Config standard(int layers, int heads, int width) {
        return new Gpt2Config(layers, heads, width, 1024, GPT2_VOCAB, 4 * width, 1e-5, true, 0.1, 0.1, 0.1, 0.02);
    }

    public Gpt2Config {
        require(nLayer >= 1, "n_layer must be >= 1, got " + nLayer);
        require(nHead >= 1, "n_head must be >= 1, got " + nHead);
        require(nEmbd >= 1 && nEmbd % nHead == 0, "n_embd (" + nEmbd + ") must be a positive multiple of n_head (" + nHead + ")");
        require(nPositions >= 1, "n_positions must be >= 1, got " + nPositions);
        require(vocabSize >= 1, "vocab_size must be >= 1, got " + vocabSize);
        require(nInner >= 1, "n_inner must be >= 1, got " + nInner);
        require(layerNormEpsilon > 0 && Double.isFinite(layerNormEpsilon), "layer_norm_epsilon must be > 0, got " + layerNormEpsilon);
        for (double p : new double[]{embdPdrop, attnPdrop, residPdrop}) {
            require(p >= 0 && p < 1, "dropout probabilities must be in [0, 1), got " + p);
        }
        require(initializerRange > 0, "initializer_range must be > 0, got " + initializerRange);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new AnchorException("invalid GPT-2 config: " + message);
    }

    public static Gpt2Config preset(String name) {
        Gpt2Config c = PRESETS.get(name);
        if (c == null) {
            throw new AnchorException("unknown config '" + name + "'; known presets: " + String.join(", ", PRESETS.keySet()));
        }
        return c;
    }

    /**
     * The id of {@code <|endoftext|>}, GPT-2's end of a text (and its padding and start in Hugging Face's config): the
     * last id, as in GPT-2's vocabulary (50256 of 50,257) and in every slice of it ({@code VocabularySlice}).
     */
    public int eotId() {
        return vocabSize - 1;
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    /** The (V, C) tensor the LM head multiplies by: {@code wte.weight} when tied, else {@code lm_head.weight}. */
    public String lmHeadWeight() {
        return tieWordEmbeddings ? "wte.weight" : "lm_head.weight";
    }

    /** Trainable parameters by formula (the graph counts its variables; a test checks they agree). */
    public long parameterCount() {
        long c = nEmbd;
        long perBlock = 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + 2 * c + (c * nInner + nInner) + ((long) nInner * c + c);
        long head = tieWordEmbeddings ? 0 : (long) vocabSize * c;
        return (long) vocabSize * c + (long) nPositions * c + nLayer * perBlock + 2 * c + head;
    }

    public Gpt2Config withDropout(double p) {
        return new Gpt2Config(nLayer, nHead, nEmbd, nPositions, vocabSize, nInner, layerNormEpsilon, tieWordEmbeddings, p, p, p, initializerRange);
    }

    public Gpt2Config withTiedEmbeddings(boolean tied) {
        return new Gpt2Config(nLayer, nHead, nEmbd, nPositions, vocabSize, nInner, layerNormEpsilon, tied, embdPdrop, attnPdrop, residPdrop, initializerRange);
    }

    // ---------------------------------------------------------------- HF config.json

    private static final ObjectMapper JSON = new ObjectMapper();

    /** HF keys whose non-default values would change the math; we refuse them rather than compute something else. */
    private static final Map<String, Object> MUST_BE = Map.of(
            "activation_function", "gelu_new",
            "scale_attn_weights", true,
            "scale_attn_by_inverse_layer_idx", false,
            "reorder_and_upcast_attn", false,
            "add_cross_attention", false);

    public static Gpt2Config fromJson(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AnchorException("missing " + file + " (a Hugging Face GPT-2 directory needs config.json)");
        } catch (IOException e) {
            throw new AnchorException("cannot parse " + file + " as JSON: " + e.getMessage());
        }
        return fromJson(root, file.toString());
    }

    public static Gpt2Config fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) throw new AnchorException(source + ": config must be a JSON object");
        String type = root.path("model_type").asText("gpt2");
        if (!type.equals("gpt2")) throw new AnchorException(source + ": model_type '" + type + "' is not supported (only gpt2)");
        for (var e : MUST_BE.entrySet()) {
            JsonNode v = root.get(e.getKey());
            if (v == null || v.isNull()) continue;
            Object want = e.getValue();
            boolean ok = want instanceof Boolean b ? v.isBoolean() && v.booleanValue() == b : v.asText().equals(want);
            if (!ok) {
                throw new AnchorException(source + ": " + e.getKey() + " = " + v + " is not supported (GPT-2 uses " + want + ")");
            }
        }
        int nEmbd = intField(root, source, "n_embd");
        JsonNode inner = root.get("n_inner");
        int nInner = inner == null || inner.isNull() ? 4 * nEmbd : intValue(inner, source, "n_inner");
        int vocab = intField(root, source, "vocab_size");
        for (String key : new String[]{"eos_token_id", "bos_token_id"}) {
            if (root.hasNonNull(key) && root.get(key).asInt() != vocab - 1) {
                throw new AnchorException(source + ": " + key + " is " + root.get(key) + ", but Anchor reads <|endoftext|> as the last id of the vocabulary (" + (vocab - 1) + "), as GPT-2 has it");
            }
        }
        return new Gpt2Config(
                intField(root, source, "n_layer"), intField(root, source, "n_head"), nEmbd,
                root.hasNonNull("n_positions") ? intField(root, source, "n_positions") : intField(root, source, "n_ctx"),
                vocab, nInner,
                root.path("layer_norm_epsilon").asDouble(1e-5),
                root.path("tie_word_embeddings").asBoolean(true),
                root.path("embd_pdrop").asDouble(0.1), root.path("attn_pdrop").asDouble(0.1),
                root.path("resid_pdrop").asDouble(0.1), root.path("initializer_range").asDouble(0.02));
    }

    private static int intField(JsonNode root, String source, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) throw new AnchorException(source + ": missing required field '" + key + "'");
        return intValue(v, source, key);
    }

    private static int intValue(JsonNode v, String source, String key) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new AnchorException(source + ": field '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    /** The config.json Hugging Face writes for this shape (loadable by {@code GPT2LMHeadModel.from_pretrained}). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model_type", "gpt2");
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("activation_function", "gelu_new");
        o.put("n_layer", nLayer);
        o.put("n_head", nHead);
        o.put("n_embd", nEmbd);
        o.put("n_positions", nPositions);
        o.put("n_ctx", nPositions);
        o.put("vocab_size", vocabSize);
        if (nInner == 4 * nEmbd) o.putNull("n_inner"); else o.put("n_inner", nInner);
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("embd_pdrop", embdPdrop);
        o.put("attn_pdrop", attnPdrop);
        o.put("resid_pdrop", residPdrop);
        o.put("initializer_range", initializerRange);
        o.put("bos_token_id", eotId());
        o.put("eos_token_id", eotId());
        o.put("scale_attn_weights", true);
        o.put("torch_dtype", "float32");
        return o;
    }
}
