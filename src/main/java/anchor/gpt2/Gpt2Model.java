package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 on ND4J: the parameters as FP32 arrays under Hugging Face's names, and SameDiff graphs built over them
 * per batch shape (cached), in eval mode (no dropout) or training mode (dropout masks drawn from a seeded RNG).
 */
public final class Gpt2Model {
    private static final int MAX_CACHED_GRAPHS = 4;

    private final Gpt2Config config;
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Map<List<Object>, Gpt2Graph> graphs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Gpt2Graph> e) {
            return size() > MAX_CACHED_GRAPHS;
        }
    };

    private Gpt2Model(Gpt2Config config) {
        this.config = config;
    }

    public static Gpt2Model of(Gpt2Weights w) {
        Gpt2Model m = new Gpt2Model(w.config());
        w.tensors().forEach((name, t) -> m.params.put(name, Nd4j.create(t.data(), t.shape(), 'c')));
        return m;
    }

    public Gpt2Config config() {
        return config;
    }

    /** The live parameter arrays (HF names). Updating them in place updates every graph. */
    public Map<String, INDArray> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /** A copy of the parameters as plain arrays, for export or comparison. */
    public Gpt2Weights weights() {
        Map<String, Gpt2Weights.Tensor> t = new LinkedHashMap<>();
        params.forEach((k, v) -> t.put(k, new Gpt2Weights.Tensor(v.dup('c').data().asFloat(), v.shape())));
        return new Gpt2Weights(config, t);
    }

    /** Trainable parameters, counted from the SameDiff graph's variables (a tied head is one variable). */
    public long trainableParameterCount() {
        return graph(1, 1, false).sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .mapToLong(v -> v.getArr().length()).sum();
    }

    Gpt2Graph graph(int B, int T, boolean training) {
        return graphs.computeIfAbsent(List.of(B, T, training), k -> Gpt2Graph.build(config, params, B, T, training));
    }

    /** Logits (B, T, V) in eval mode: dropout off, deterministic. */
    public INDArray logits(TokenBatch batch) {
        return run(batch, null, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
    }

    /** Logits (B, T, V) in training mode: dropout on, masks drawn from {@code rng}. */
    public INDArray logitsTraining(TokenBatch batch, java.util.Random rng) {
        return run(batch, rng, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
    }

    /** Per-layer activations for checks: {@code h.i.out} (B, T, C) for every block, {@code ln_f.out}, {@code logits}. */
    public Map<String, INDArray> activations(TokenBatch batch) {
        String[] names = new String[config.nLayer() + 2];
        for (int i = 0; i < config.nLayer(); i++) names[i] = Gpt2Graph.blockOut(i);
        names[config.nLayer()] = "ln_f.out";
        names[config.nLayer() + 1] = Gpt2Graph.LOGITS;
        return run(batch, null, names);
    }

    private Map<String, INDArray> run(TokenBatch batch, java.util.Random rng, String... outputs) {
        batch.validate(config);
        Gpt2Graph g = graph(batch.batchSize(), batch.length(), rng != null);
        Map<String, INDArray> out = g.sd.output(placeholders(batch, g, rng), outputs);
        Map<String, INDArray> copy = new HashMap<>();
        out.forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    Map<String, INDArray> placeholders(TokenBatch batch, Gpt2Graph g, java.util.Random rng) {
        int B = batch.batchSize(), T = batch.length(), C = config.nEmbd();
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(Gpt2Graph.EMB, embed(batch).reshape(B, T, C));
        ph.put(Gpt2Graph.ATTN_BIAS, Nd4j.create(batch.attentionBias(), new long[]{B, 1, T, T}, 'c'));
        if (rng != null) {
            for (var v : g.sd.variables()) {
                if (v.getVariableType() != VariableType.PLACEHOLDER || !v.name().contains("drop.")) continue;
                double p = v.name().endsWith("drop.attn") ? config.attnPdrop()
                        : v.name().equals("drop.emb") ? config.embdPdrop() : config.residPdrop();
                ph.put(v.name(), dropoutMask(v.getShape(), p, rng));
            }
        }
        return ph;
    }

    /** wte[ids] + wpe[positions] as (B·T, C), looked up in Java (SameDiff's gather has no working gradient in M2.1). */
    INDArray embed(TokenBatch batch) {
        int B = batch.batchSize(), T = batch.length();
        int[] ids = new int[B * T], pos = new int[B * T];
        int[][] positions = batch.positions();
        for (int b = 0; b < B; b++) {
            System.arraycopy(batch.ids()[b], 0, ids, b * T, T);
            System.arraycopy(positions[b], 0, pos, b * T, T);
        }
        INDArray tok = Nd4j.pullRows(params.get("wte.weight"), 1, ids);       // (B·T, C)
        INDArray wpe = Nd4j.pullRows(params.get("wpe.weight"), 1, pos);       // (B·T, C)
        return tok.addi(wpe);                                                  // (B·T, C)
    }

    private static INDArray dropoutMask(long[] shape, double p, java.util.Random rng) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] m = new float[(int) n];
        float keep = (float) (1.0 / (1.0 - p));
        for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < p ? 0f : keep;
        return Nd4j.create(m, shape, 'c').castTo(DataType.FLOAT);
    }
}
