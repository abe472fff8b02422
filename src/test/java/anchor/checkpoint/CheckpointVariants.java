package anchor.checkpoint;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Weights;
import anchor.safetensors.DType;
import anchor.safetensors.HalfFloats;
import anchor.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one set of weights in every layout a Hugging Face GPT-2 directory can have, independently of
 * {@link HfCheckpoint#save}, so the import is tested against files it did not write itself.
 */
public final class CheckpointVariants {
    private CheckpointVariants() {
    }

    public enum Variant {
        /** {@code save_pretrained}: transformer. prefix, F32, tied head absent. */
        SAVE_PRETRAINED,
        /** The hub's original gpt2 file: no prefix, causal-mask buffers present. */
        ORIGINAL_HUB_LAYOUT,
        /** Two shards and model.safetensors.index.json. */
        SHARDED,
        F16,
        BF16,
        /** An untied lm_head.weight (config tie_word_embeddings = false). */
        UNTIED,
        /** A tied checkpoint that still stores lm_head.weight (it must be ignored, as HF ties it). */
        TIED_WITH_HEAD
    }

    public static Map<String, SafetensorsWriter.Tensor> tensors(Gpt2Weights w, String prefix) {
        Map<String, SafetensorsWriter.Tensor> t = new LinkedHashMap<>();
        w.tensors().forEach((k, v) -> t.put(k.startsWith("lm_head") ? k : prefix + k, new SafetensorsWriter.Tensor(v.data(), v.shape())));
        return t;
    }

    public static void writeDir(Gpt2Config c, Path dir, Map<String, SafetensorsWriter.Tensor> t, DType d) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), c.toJson().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), t, d, Map.of("format", "pt"));
    }

    public static Path write(Gpt2Weights w, Path dir, Variant v) {
        Gpt2Config c = w.config();
        switch (v) {
            case SAVE_PRETRAINED, UNTIED -> writeDir(c, dir, tensors(w, "transformer."), DType.F32);
            case F16 -> writeDir(c, dir, tensors(w, "transformer."), DType.F16);
            case BF16 -> writeDir(c, dir, tensors(w, ""), DType.BF16);
            case TIED_WITH_HEAD -> {
                Map<String, SafetensorsWriter.Tensor> t = tensors(w, "transformer.");
                t.put("lm_head.weight", new SafetensorsWriter.Tensor(w.get("wte.weight"), new long[]{c.vocabSize(), c.nEmbd()}));
                writeDir(c, dir, t, DType.F32);
            }
            case ORIGINAL_HUB_LAYOUT -> {
                Map<String, SafetensorsWriter.Tensor> t = tensors(w, "");
                int P = c.nPositions();
                for (int i = 0; i < c.nLayer(); i++) {
                    float[] mask = new float[P * P];
                    for (int r = 0; r < P; r++) for (int col = 0; col <= r; col++) mask[r * P + col] = 1;
                    t.put("h." + i + ".attn.bias", new SafetensorsWriter.Tensor(mask, new long[]{1, 1, P, P}));
                    t.put("h." + i + ".attn.masked_bias", new SafetensorsWriter.Tensor(new float[]{-1e4f}, new long[]{}));
                }
                writeDir(c, dir, t, DType.F32);
            }
            case SHARDED -> {
                Map<String, SafetensorsWriter.Tensor> all = tensors(w, "transformer."), a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
                StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
                int i = 0;
                for (var e : all.entrySet()) {
                    String shard = i < all.size() / 2 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                    (i < all.size() / 2 ? a : b).put(e.getKey(), e.getValue());
                    index.append(i++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(shard).append('"');
                }
                try {
                    Files.createDirectories(dir);
                    Files.writeString(dir.resolve("config.json"), c.toJson().toString());
                    Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a, DType.F32, Map.of());
                SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b, DType.F32, Map.of());
            }
        }
        return dir;
    }

    /** The weights as the variant stores them (F16/BF16 rounding applied), computed without the reader. */
    public static Gpt2Weights rounded(Gpt2Weights w, Variant v) {
        if (v != Variant.F16 && v != Variant.BF16) return w;
        Map<String, Gpt2Weights.Tensor> t = new LinkedHashMap<>();
        w.tensors().forEach((k, x) -> {
            float[] r = x.data().clone();
            for (int i = 0; i < r.length; i++) {
                r[i] = v == Variant.F16 ? HalfFloats.halfToFloat(HalfFloats.floatToHalf(r[i])) : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(r[i]));
            }
            t.put(k, new Gpt2Weights.Tensor(r, x.shape()));
        });
        return new Gpt2Weights(w.config(), t);
    }
}
