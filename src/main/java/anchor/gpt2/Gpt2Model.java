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
 * GPT-2 on ND4J: the parameters as arrays under Hugging Face's names (FP32; FP64 for gradient checks), and SameDiff
 * graphs built over them per batch shape (cached), in eval mode (no dropout) or training mode (dropout masks drawn
 * from a seeded RNG). A frozen model (a reference) holds its parameters as graph constants: it has no trainable
 * parameters and refuses to compute gradients or run in training mode.
 */
public final class Gpt2Model implements LanguageModel {
    private static final int MAX_CACHED_GRAPHS = 4;

    private final Gpt2Config config;
    private final boolean frozen;
    private final DataType compute;
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Map<List<Object>, Gpt2Graph> graphs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Gpt2Graph> e) {
            if (size() <= MAX_CACHED_GRAPHS) return false;
            e.getValue().release();
            return true;
        }
    };

    private Gpt2Model(Gpt2Config config, boolean frozen, DataType compute) {
        this.config = config;
        this.frozen = frozen;
        this.compute = compute;
    }

    /** A trainable model over a copy of the weights, in FP32. */
    public static Gpt2Model of(Gpt2Weights w) {
        return of(w, DataType.FLOAT, false);
    }

    /** A model over a copy of the weights in the given compute type (FLOAT, or DOUBLE for gradient checks). */
    public static Gpt2Model of(Gpt2Weights w, DataType dtype, boolean frozen) {
        Gpt2Model m = new Gpt2Model(w.config(), frozen, dtype);
        w.tensors().forEach((name, t) -> m.params.put(name, Nd4j.create(t.data(), t.shape(), 'c').castTo(dtype)));
        return m;
    }

    /** A frozen deep copy: every parameter copied, none trainable, eval mode only. */
    public Gpt2Model frozenCopy() {
        return frozenCopy(compute);
    }

    /**
     * A frozen deep copy whose parameters are stored in {@code storage} (e.g. HALF). Computation stays in this
     * model's type: each parameter is cast up where the graph uses it (HALF matmul on ND4J's CPU backend runs
     * hundreds of times slower than FLOAT).
     */
    public Gpt2Model frozenCopy(DataType storage) {
        Gpt2Model m = new Gpt2Model(config, true, compute);
        params.forEach((k, v) -> m.params.put(k, v.castTo(storage).dup('c')));
        return m;
    }

    @Override
    public float[] parameter(String name) {
        INDArray a = params.get(name);
        if (a == null) throw new anchor.AnchorException("no parameter named " + name);
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** Bytes held by the parameter arrays, measured from the arrays themselves. */
    @Override
    public long parameterBytes() {
        return params.values().stream().mapToLong(a -> a.length() * a.dataType().width()).sum();
    }

    @Override
    public Gpt2Config config() {
        return config;
    }

    /** A frozen model is always in eval mode; a trainable one runs dropout only through {@link #logitsTraining}. */
    @Override
    public boolean inEvalMode() {
        return frozen;
    }

    public boolean isFrozen() {
        return frozen;
    }

    /** The live parameter arrays (HF names). Updating them in place updates every graph. */
    public Map<String, INDArray> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /** A copy of the parameters as plain arrays, for export or comparison. */
    public Gpt2Weights weights() {
        Map<String, Gpt2Weights.Tensor> t = new LinkedHashMap<>();
        params.forEach((k, v) -> t.put(k, new Gpt2Weights.Tensor(v.castTo(DataType.FLOAT).dup('c').data().asFloat(), v.shape())));
        return new Gpt2Weights(config, t);
    }

    /** Trainable parameters, counted from the SameDiff graph's variables (a tied head is one variable). */
    @Override
    public long trainableParameterCount() {
        return graph(1, 1, false).sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .mapToLong(v -> v.getArr().length()).sum();
    }

    Gpt2Graph graph(int B, int T, boolean training) {
        if (training && frozen) throw new anchor.AnchorException("a frozen model runs in eval mode only (no dropout, no gradients)");
        return graphs.computeIfAbsent(List.of(B, T, training), k -> Gpt2Graph.build(config, params, compute, B, T, training, frozen));
    }

    /** Logits (B, T, V) in eval mode: dropout off, deterministic. */
    public INDArray logits(TokenBatch batch) {
        return run(batch, null, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
    }

    /** Logits (B, T, V) in training mode: dropout on, masks drawn from {@code rng}. */
    public INDArray logitsTraining(TokenBatch batch, java.util.Random rng) {
        return run(batch, rng, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
    }

    /** What one forward+backward pass returns: the weighted loss, the token log-probs, and ∂loss/∂parameter. */
    public record Gradients(double loss, double[][] tokenLogProbs, Map<String, INDArray> byParameter) {
    }

    /**
     * Token log-probs computed in the graph: {@code [b][t] = log p(ids[b][t+1] | ids[b][..t])} for t &lt; T−1
     * (0 where the target is padding), shape (B, T−1) — the same as {@link anchor.logprobs.TokenLogProbs#gather}.
     */
    @Override
    public double[][] tokenLogProbs(TokenBatch batch) {
        Map<String, INDArray> ph = trainingPlaceholders(batch, null, null, null);
        INDArray lp = graph(batch.batchSize(), batch.length(), false).sd.output(ph, Gpt2Graph.TOKEN_LOGP).get(Gpt2Graph.TOKEN_LOGP);
        return shiftedOut(lp.castTo(DataType.DOUBLE).toDoubleMatrix(), batch);
    }

    /**
     * One forward and backward pass of {@code loss = Σ lossWeights[b][t] · logp[b][t]} (see {@link Gpt2Graph}).
     *
     * @param lossWeights (B, T−1): ∂L/∂logp for each predicted token; padding positions must be 0
     * @param dropoutRng  null for eval mode (no dropout), else the source of the dropout masks
     * @return the gradients of every parameter (HF names), the embedding gradient scattered into wte and wpe
     */
    public Gradients gradients(TokenBatch batch, double[][] lossWeights, java.util.Random dropoutRng) {
        if (frozen) throw new anchor.AnchorException("the reference model is frozen: it has no trainable parameters to differentiate");
        batch.validate(config);
        int B = batch.batchSize(), T = batch.length(), C = config.nEmbd();
        Gpt2Graph g = graph(B, T, dropoutRng != null);
        g.prepareGradients();
        Map<String, INDArray> ph = trainingPlaceholders(batch, g, lossWeights, dropoutRng);
        List<String> wanted = new java.util.ArrayList<>(List.of(Gpt2Graph.LOSS, Gpt2Graph.TOKEN_LOGP, g.sd.grad(Gpt2Graph.EMB).name()));
        Map<String, String> gradName = new LinkedHashMap<>();
        for (String p : params.keySet()) {
            SDVariable gv = g.sd.grad(p);
            if (gv != null) gradName.put(p, gv.name());
        }
        wanted.addAll(gradName.values());
        Map<String, INDArray> out = g.sd.getFunction("grad").output(ph, wanted.toArray(new String[0]));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String p : params.keySet()) {
            String n = gradName.get(p);
            grads.put(p, n == null ? Nd4j.zeros(params.get(p).dataType(), params.get(p).shape()) : out.get(n).dup('c'));
        }
        // scatter the exact placeholder gradient of emb = wte[ids] + wpe[pos] back into both tables
        INDArray embGrad = out.get(g.sd.grad(Gpt2Graph.EMB).name()).reshape(B * T, C);    // (B·T, C)
        int[][] pos = batch.positions();
        INDArray wteGrad = grads.get("wte.weight"), wpeGrad = grads.get("wpe.weight");
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                INDArray row = embGrad.getRow(b * T + t);
                wteGrad.getRow(batch.ids()[b][t]).addi(row);
                wpeGrad.getRow(pos[b][t]).addi(row);
            }
        double[][] lp = shiftedOut(out.get(Gpt2Graph.TOKEN_LOGP).castTo(DataType.DOUBLE).toDoubleMatrix(), batch);
        return new Gradients(out.get(Gpt2Graph.LOSS).getDouble(0), lp, grads);
    }

    private Map<String, INDArray> trainingPlaceholders(TokenBatch batch, Gpt2Graph g, double[][] lossWeights, java.util.Random rng) {
        batch.validate(config);
        int B = batch.batchSize(), T = batch.length();
        if (g == null) g = graph(B, T, false);
        Map<String, INDArray> ph = placeholders(batch, g, rng);
        int[][] targets = new int[B][T];
        double[][] w = new double[B][T];
        int[][] mask = batch.targetMask();
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T - 1; t++) {
                targets[b][t] = batch.ids()[b][t + 1];
                if (lossWeights != null) {
                    if (lossWeights[b].length != T - 1) throw new anchor.AnchorException("loss weights must have T-1 = " + (T - 1) + " columns");
                    if (!Double.isFinite(lossWeights[b][t])) throw new anchor.AnchorException("loss weight is not finite (" + lossWeights[b][t] + ")");
                    if (mask[b][t] == 0 && lossWeights[b][t] != 0) throw new anchor.AnchorException("a loss weight falls on a padding target");
                    w[b][t] = lossWeights[b][t];
                }
            }
        DataType dt = compute;
        ph.put(Gpt2Graph.TARGETS, Nd4j.createFromArray(targets));
        ph.put(Gpt2Graph.LOSS_WEIGHTS, Nd4j.createFromArray(w).castTo(dt));
        return ph;
    }

    /** (B, T) graph log-probs → (B, T−1), zero where the target is padding. */
    private static double[][] shiftedOut(double[][] lp, TokenBatch batch) {
        int[][] mask = batch.targetMask();
        double[][] out = new double[lp.length][];
        for (int b = 0; b < lp.length; b++) {
            out[b] = java.util.Arrays.copyOf(lp[b], lp[b].length - 1);
            for (int t = 0; t < out[b].length; t++) if (mask[b][t] == 0) out[b][t] = 0;
        }
        return out;
    }

    /**
     * Next-token logits (B, V) at one position per row, {@code positions[b]}: the blocks run in the graph, the head
     * only for the rows asked for (generation needs one position per step, and the head is most of a small model's
     * FLOPs).
     */
    public INDArray logitsAt(TokenBatch batch, int[] positions) {
        INDArray h = run(batch, null, "ln_f.out").get("ln_f.out");                       // (B, T, C)
        int B = batch.batchSize(), C = config.nEmbd();
        INDArray rows = Nd4j.create(compute, B, C);                                      // (B, C)
        for (int b = 0; b < B; b++) rows.putRow(b, h.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                org.nd4j.linalg.indexing.NDArrayIndex.point(positions[b]), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        INDArray head = params.get(config.tieWordEmbeddings() ? "wte.weight" : "lm_head.weight").castTo(compute); // (V, C)
        return rows.mmul(head.transpose());                                              // (B, V)
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
        DataType dt = compute;
        ph.put(Gpt2Graph.ATTN_BIAS, Nd4j.create(batch.attentionBias(), new long[]{B, 1, T, T}, 'c').castTo(dt));
        if (rng != null) {
            for (var v : g.sd.variables()) {
                if (v.getVariableType() != VariableType.PLACEHOLDER || !v.name().contains("drop.")) continue;
                double p = v.name().endsWith("drop.attn") ? config.attnPdrop()
                        : v.name().equals("drop.emb") ? config.embdPdrop() : config.residPdrop();
                ph.put(v.name(), dropoutMask(v.getShape(), p, rng).castTo(dt));
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
        return tok.castTo(compute).addi(wpe.castTo(compute));                  // (B·T, C)
    }

    private static INDArray dropoutMask(long[] shape, double p, java.util.Random rng) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] m = new float[(int) n];
        float keep = (float) (1.0 / (1.0 - p));
        for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < p ? 0f : keep;
        return Nd4j.create(m, shape, 'c');
    }
}
