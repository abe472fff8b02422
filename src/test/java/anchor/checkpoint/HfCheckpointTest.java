package anchor.checkpoint;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Weights;
import anchor.safetensors.DType;
import anchor.safetensors.SafetensorsWriter;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HfCheckpointTest {
    @TempDir
    Path dir;

    final Gpt2Weights weights = TestModels.allRandom(TestModels.tiny(), 42);

    @Test
    void importExportImportIsBitExact() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        HfCheckpoint.save(weights, a, DType.F32);
        Gpt2Weights once = HfCheckpoint.load(a);
        HfCheckpoint.save(once, b, DType.F32);
        assertThat(Files.readAllBytes(b.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(a.resolve("model.safetensors")));
        Gpt2Weights twice = HfCheckpoint.load(b);
        assertThat(twice.config()).isEqualTo(weights.config());
        for (String k : weights.tensors().keySet()) assertThat(twice.get(k)).as(k).isEqualTo(weights.get(k));
    }

    /** A model saved from its live parameters, one tensor at a time, writes the very bytes of its weights saved whole. */
    @Test
    void aModelSavedTensorByTensorIsByteForByteItsWeightsSavedWhole() throws Exception {
        Gpt2Weights scored = weights.withScoreHead(TestModels.allRandom(TestModels.tiny(), 7).get("ln_f.weight"));
        anchor.gpt2.Gpt2Model model = anchor.gpt2.Gpt2Model.of(scored);
        for (boolean head : new boolean[]{true, false}) {
            Path whole = dir.resolve("whole" + head), lazy = dir.resolve("lazy" + head);
            HfCheckpoint.save(head ? scored : scored.withoutScoreHead(), whole, DType.F32);
            HfCheckpoint.save(model, head, lazy, DType.F32);
            for (String f : new String[]{"model.safetensors", "config.json"}) {
                assertThat(Files.readAllBytes(lazy.resolve(f))).as(f + ", score head " + head).isEqualTo(Files.readAllBytes(whole.resolve(f)));
            }
        }
    }

    @Test
    void everyImportVariantGivesTheSameWeights() {
        for (CheckpointVariants.Variant v : CheckpointVariants.Variant.values()) {
            Gpt2Weights w = v == CheckpointVariants.Variant.UNTIED ? TestModels.allRandom(TestModels.tiny().withTiedEmbeddings(false), 42) : weights;
            Path d = CheckpointVariants.write(w, dir.resolve(v.name()), v);
            HfCheckpoint.Loaded l = HfCheckpoint.loadWithReport(d);
            Gpt2Weights expected = CheckpointVariants.rounded(w, v);
            for (String k : expected.tensors().keySet()) assertThat(l.weights().get(k)).as(v + " " + k).isEqualTo(expected.get(k));
            if (v == CheckpointVariants.Variant.ORIGINAL_HUB_LAYOUT) {
                assertThat(l.report().skippedBuffers()).contains("h.0.attn.bias", "h.0.attn.masked_bias", "h.1.attn.bias");
            }
        }
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path d = writeWithout("h.1.mlp.c_fc.bias");
        assertThatThrownBy(() -> HfCheckpoint.load(d)).isInstanceOf(AnchorException.class)
                .hasMessageContaining("1 missing tensor(s): h.1.mlp.c_fc.bias");
    }

    @Test
    void aConfigWithOtherLayersThanTheWeightsIsRefused() throws Exception {
        Path d = dir.resolve("layers");
        HfCheckpoint.save(weights, d, DType.F32);
        int layers = weights.config().nLayer();
        Path config = d.resolve("config.json");
        String json = Files.readString(config);
        Files.writeString(config, json.replaceFirst("\"n_layer\" : " + layers, "\"n_layer\" : " + (layers - 1)));
        assertThatThrownBy(() -> HfCheckpoint.load(d)).isInstanceOf(AnchorException.class)
                .hasMessageContaining("config.json says n_layer = " + (layers - 1) + " but the weights hold " + layers + " layer(s)");
        Files.writeString(config, json.replaceFirst("\"n_layer\" : " + layers, "\"n_layer\" : 1000000000"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("n_layer = 1000000000");
        assertThat((System.nanoTime() - start) / 1e9).as("refused before building a billion layers' names").isLessThan(5);
    }

    @Test
    void wrongShapeIsNamed() throws Exception {
        Path d = dir.resolve("shape");
        Map<String, SafetensorsWriter.Tensor> t = CheckpointVariants.tensors(weights, "transformer.");
        t.put("transformer.ln_f.bias", new SafetensorsWriter.Tensor(new float[33], new long[]{33}));
        CheckpointVariants.writeDir(weights.config(), d, t, DType.F32);
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("'transformer.ln_f.bias' has shape [33] but config.json needs [32]");
    }

    @Test
    void configMismatchIsNamed() throws Exception {
        Path d = dir.resolve("mismatch");
        HfCheckpoint.save(weights, d, DType.F32);
        String cfg = Files.readString(d.resolve("config.json")).replace("\"n_layer\" : 2", "\"n_layer\" : 3");
        Files.writeString(d.resolve("config.json"), cfg);
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("config.json says n_layer = 3 but the weights hold 2 layer(s)");
    }

    @Test
    void unexpectedKeysAreReported() throws Exception {
        Path d = dir.resolve("extra");
        Map<String, SafetensorsWriter.Tensor> t = CheckpointVariants.tensors(weights, "transformer.");
        t.put("score.weight", new SafetensorsWriter.Tensor(new float[]{1, 2}, new long[]{2}));
        CheckpointVariants.writeDir(weights.config(), d, t, DType.F32);
        assertThat(HfCheckpoint.loadWithReport(d).report().unexpectedKeys()).containsExactly("score.weight");
    }

    @Test
    void pickleIsRefusedNeverRead() throws Exception {
        Path d = dir.resolve("pickle");
        Files.createDirectories(d);
        Files.writeString(d.resolve("config.json"), weights.config().toJson().toString());
        Files.write(d.resolve("pytorch_model.bin"), new byte[]{(byte) 0x80, 0x02, 'c', 'o', 's', '\n'}); // a pickle opcode stream
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("pickle").hasMessageContaining("never loads")
                .hasMessageContaining("safe_serialization=True");
    }

    @Test
    void unsupportedConfigValuesAreNamed() throws Exception {
        Path d = dir.resolve("gelu");
        HfCheckpoint.save(weights, d, DType.F32);
        Files.writeString(d.resolve("config.json"), Files.readString(d.resolve("config.json")).replace("gelu_new", "relu"));
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("activation_function = \"relu\" is not supported");
        Files.writeString(d.resolve("config.json"), "{\"model_type\": \"llama\"}");
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("model_type 'llama' is not supported");
        Files.writeString(d.resolve("config.json"), "{\"n_layer\": 2");
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("cannot parse");
        Files.writeString(d.resolve("config.json"), "{\"n_layer\": 2, \"n_head\": 3, \"n_embd\": 32, \"n_positions\": 8, \"vocab_size\": 10}");
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("n_embd (32) must be a positive multiple of n_head (3)");
    }

    @Test
    void nonFiniteWeightsAreRefused() throws Exception {
        Path d = dir.resolve("nan");
        Map<String, SafetensorsWriter.Tensor> t = CheckpointVariants.tensors(weights, "");
        float[] bad = weights.get("ln_f.weight").clone();
        bad[3] = Float.NaN;
        t.put("ln_f.weight", new SafetensorsWriter.Tensor(bad, new long[]{32}));
        CheckpointVariants.writeDir(weights.config(), d, t, DType.F32);
        assertThatThrownBy(() -> HfCheckpoint.load(d)).hasMessageContaining("'ln_f.weight' holds a non-finite value (NaN) at index 3");
    }

    @Test
    void missingDirectoryAndFiles() throws Exception {
        assertThatThrownBy(() -> HfCheckpoint.load(dir.resolve("nope"))).hasMessageContaining("does not exist");
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> HfCheckpoint.load(dir.resolve("empty"))).hasMessageContaining("has no model.safetensors");
    }

    private Path writeWithout(String name) {
        Path d = dir.resolve("without");
        Map<String, SafetensorsWriter.Tensor> t = CheckpointVariants.tensors(weights, "");
        t.remove(name);
        CheckpointVariants.writeDir(weights.config(), d, t, DType.F32);
        return d;
    }

    /**
     * A model of its own slice of GPT-2's vocabulary keeps its tokenizer: the files it was loaded with are saved with
     * it, byte for byte, from its weights and from its live parameters (a trained world model stays readable), with a
     * generation_config.json whose EOS is its last id; without them its directory is refused, not read with GPT-2's.
     */
    @Test
    void aModelOfAVocabularySliceCarriesItsTokenizerFilesWhereverItIsSaved() throws Exception {
        var slice = anchor.tokenizer.VocabularySlice.of(java.util.List.of("the cat sat on the mat."));
        String[] text = slice.filesText();
        Gpt2Config c = new Gpt2Config(1, 2, 8, 16, slice.vocabSize(), 16, 1e-5, true, 0, 0, 0, 0.02);
        Gpt2Weights w = TestModels.allRandom(c, 3).withTokenizer(new Gpt2Weights.TokenizerFiles(text[0], text[1]));
        Path a = dir.resolve("a"), b = dir.resolve("b"), bare = dir.resolve("bare");
        HfCheckpoint.save(w, a, DType.F32);
        assertThat(Files.readString(a.resolve("vocab.json"))).isEqualTo(text[0]);
        assertThat(Files.readString(a.resolve("merges.txt"))).isEqualTo(text[1]);
        assertThat(Files.readString(a.resolve("generation_config.json"))).contains("\"eos_token_id\" : " + (slice.vocabSize() - 1));
        Gpt2Weights loaded = HfCheckpoint.load(a);
        assertThat(loaded.tokenizer()).isEqualTo(w.tokenizer());
        anchor.gpt2.Gpt2Model model = anchor.gpt2.Gpt2Model.of(loaded.withScoreHead(new float[8]).withoutScoreHead());
        HfCheckpoint.save(model.frozenCopy(), false, b, DType.F32);
        for (String f : new String[]{"vocab.json", "merges.txt", "generation_config.json"}) {
            assertThat(Files.readString(b.resolve(f))).as(f).isEqualTo(Files.readString(a.resolve(f)));
        }
        var tok = anchor.tokenizer.Gpt2Tokenizer.forModel(b);
        assertThat(tok.encode("the cat sat.")).isEqualTo(slice.tokenizer().encode("the cat sat."));
        HfCheckpoint.save(TestModels.allRandom(c, 3), bare, DType.F32);        // weights that carry no tokenizer files
        assertThat(bare.resolve("vocab.json")).doesNotExist();
        assertThatThrownBy(() -> anchor.tokenizer.Gpt2Tokenizer.forModel(bare)).isInstanceOf(AnchorException.class)
                .hasMessageContaining("its model has " + slice.vocabSize() + " tokens (config.json's vocab_size) but it has no tokenizer files");
    }
}
