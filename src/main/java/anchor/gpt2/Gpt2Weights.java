package anchor.gpt2;

import anchor.AnchorException;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-2's parameters under Hugging Face's tensor names (without the {@code transformer.} prefix), as plain
 * row-major float arrays: the exchange format between checkpoint import/export, random init, the SameDiff graph
 * and the plain-Java forward. {@code lm_head.weight} is present only when the head is not tied to {@code wte};
 * {@code score.weight} (1, C) only in a model with a scalar head (a reward or value model, Hugging Face's
 * {@code GPT2ForSequenceClassification}, whose score layer has no bias). {@code tokenizer} is the text of the
 * tokenizer files these weights were loaded with ({@code vocab.json}, {@code merges.txt}), or null: a model's
 * vocabulary is its tokenizer's, so the files travel with the weights and every directory a model is saved into
 * gets them back (a model with its own slice of GPT-2's vocabulary, such as the world's, stays readable).
 */
public record Gpt2Weights(Gpt2Config config, Map<String, Tensor> tensors, TokenizerFiles tokenizer) {

    /** A tokenizer's two files as Hugging Face writes them, unparsed: {@code vocab.json} and {@code merges.txt}. */
    public record TokenizerFiles(String vocabJson, String mergesTxt) {
        public TokenizerFiles {
            java.util.Objects.requireNonNull(vocabJson);
            java.util.Objects.requireNonNull(mergesTxt);
        }
    }

    /** Weights that carry no tokenizer files (random init, tests): saved, they get GPT-2's where the vocabulary is GPT-2's. */
    public Gpt2Weights(Gpt2Config config, Map<String, Tensor> tensors) {
        this(config, tensors, null);
    }

    /** One parameter: values in row-major order and the HF shape. Conv1D weights are (in, out). */
    public record Tensor(float[] data, long[] shape) {
        public Tensor {
            if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not match " + data.length + " values");
            }
        }
    }

    public Gpt2Weights {
        Map<String, long[]> expected = expectedShapes(config);
        for (var e : expected.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) throw new AnchorException("missing parameter " + e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new AnchorException("parameter " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", the config needs " + Arrays.toString(e.getValue()));
            }
        }
        for (String k : tensors.keySet()) {
            if (k.equals(SCORE)) {
                long[] want = scoreShape(config);
                if (!Arrays.equals(tensors.get(k).shape(), want)) {
                    throw new AnchorException("parameter " + SCORE + " has shape " + Arrays.toString(tensors.get(k).shape()) + ", the config needs " + Arrays.toString(want));
                }
            } else if (!expected.containsKey(k)) {
                throw new AnchorException("unexpected parameter " + k);
            }
        }
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** The scalar head's weight: {@code score.weight}, one row of width C (a linear layer C → 1 without bias). */
    public static final String SCORE = "score.weight";

    public static long[] scoreShape(Gpt2Config c) {
        return new long[]{1, c.nEmbd()};
    }

    public boolean hasScoreHead() {
        return tensors.containsKey(SCORE);
    }

    /** These weights with a scalar head {@code score} (values of shape (1, C)) added or replaced. */
    public Gpt2Weights withScoreHead(float[] score) {
        Map<String, Tensor> t = new LinkedHashMap<>(tensors);
        t.put(SCORE, new Tensor(score, scoreShape(config)));
        return new Gpt2Weights(config, t, tokenizer);
    }

    /** These weights with one existing tensor's values replaced (same shape). */
    public Gpt2Weights with(String name, float[] values) {
        Tensor old = tensors.get(name);
        if (old == null || old.data().length != values.length) throw new IllegalArgumentException("no tensor " + name + " of " + values.length + " values");
        Map<String, Tensor> t = new LinkedHashMap<>(tensors);
        t.put(name, new Tensor(values, old.shape()));
        return new Gpt2Weights(config, t, tokenizer);
    }

    /** These weights without a scalar head (the trunk and the LM head). */
    public Gpt2Weights withoutScoreHead() {
        Map<String, Tensor> t = new LinkedHashMap<>(tensors);
        t.remove(SCORE);
        return new Gpt2Weights(config, t, tokenizer);
    }

    /** These weights carrying {@code files} as their tokenizer. */
    public Gpt2Weights withTokenizer(TokenizerFiles files) {
        return new Gpt2Weights(config, tensors, files);
    }

    /** Every trainable tensor of GPT-2 in Hugging Face's state-dict order, with its shape. */
    public static Map<String, long[]> expectedShapes(Gpt2Config c) {
        long C = c.nEmbd(), I = c.nInner();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("wte.weight", new long[]{c.vocabSize(), C});
        m.put("wpe.weight", new long[]{c.nPositions(), C});
        for (int i = 0; i < c.nLayer(); i++) {
            String h = "h." + i + ".";
            m.put(h + "ln_1.weight", new long[]{C});
            m.put(h + "ln_1.bias", new long[]{C});
            m.put(h + "attn.c_attn.weight", new long[]{C, 3 * C});
            m.put(h + "attn.c_attn.bias", new long[]{3 * C});
            m.put(h + "attn.c_proj.weight", new long[]{C, C});
            m.put(h + "attn.c_proj.bias", new long[]{C});
            m.put(h + "ln_2.weight", new long[]{C});
            m.put(h + "ln_2.bias", new long[]{C});
            m.put(h + "mlp.c_fc.weight", new long[]{C, I});
            m.put(h + "mlp.c_fc.bias", new long[]{I});
            m.put(h + "mlp.c_proj.weight", new long[]{I, C});
            m.put(h + "mlp.c_proj.bias", new long[]{C});
        }
        m.put("ln_f.weight", new long[]{C});
        m.put("ln_f.bias", new long[]{C});
        if (!c.tieWordEmbeddings()) m.put("lm_head.weight", new long[]{c.vocabSize(), C});
        return m;
    }

    public float[] get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new AnchorException("no parameter named " + name);
        return t.data();
    }

    /** The output projection: {@code wte} when tied, else {@code lm_head.weight}; shape (V, C). */
    public float[] lmHead() {
        return config.tieWordEmbeddings() ? get("wte.weight") : get("lm_head.weight");
    }

    public long parameterCount() {
        return tensors.values().stream().mapToLong(t -> t.data().length).sum();
    }

    /**
     * Whether {@code a} is a FLOAT array that owns its whole buffer in row-major order — its memory is its elements,
     * 0 … length−1 — so a loop may read and write that memory directly.
     */
    public static boolean flatFloat(org.nd4j.linalg.api.ndarray.INDArray a) {
        return a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && !a.isView() && a.offset() == 0 && a.ordering() == 'c'
                && a.length() == a.data().length();
    }

    /**
     * The row-major float values of an ND4J array, read straight from its buffer when it is already a contiguous
     * FLOAT c-order array; otherwise through a converted copy that is closed at once (its native buffer freed now,
     * not whenever a garbage collection happens to run).
     */
    public static float[] floats(org.nd4j.linalg.api.ndarray.INDArray a) {
        if (a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && a.ordering() == 'c' && !a.isView() && a.data().length() == a.length()) {
            return a.data().asFloat();
        }
        org.nd4j.linalg.api.ndarray.INDArray cast = a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), copy = cast.dup('c');
        try {
            return copy.data().asFloat();
        } finally {
            copy.close();
            if (cast != a) cast.close();
        }
    }
}
