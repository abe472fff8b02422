package anchor.gpt2;

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
    private final Gpt2Config config;
    private final boolean frozen;
    private final DataType compute;
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final GraphCache graphs = new GraphCache();
    private final Gpt2Weights.TokenizerFiles tokenizer; // the files its weights came with, or null (Gpt2Weights)

    private Gpt2Model(Gpt2Config config, boolean frozen, DataType compute, Gpt2Weights.TokenizerFiles tokenizer) {
        this.config = config;
        this.frozen = frozen;
        this.compute = compute;
        this.tokenizer = tokenizer;
    }

    /** A trainable model over a copy of the weights, in FP32. */
    public static Gpt2Model of(Gpt2Weights w) {
        return of(w, DataType.FLOAT, false);
    }

    /** A model over a copy of the weights in the given compute type (FLOAT, or DOUBLE for gradient checks). */
    public static Gpt2Model of(Gpt2Weights w, DataType dtype, boolean frozen) {
        Gpt2Model m = new Gpt2Model(w.config(), frozen, dtype, w.tokenizer());
        w.tensors().forEach((name, t) -> m.params.put(name, Nd4j.create(t.data(), t.shape(), 'c').castTo(dtype)));
        return m;
    }

    /** A frozen model over one copy of {@code w} (FLOAT): what {@code of(w).frozenCopy()} gives, without the trainable copy in between. */
    public static Gpt2Model frozen(Gpt2Weights w) {
        return of(w, DataType.FLOAT, true);
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
        Gpt2Model m = new Gpt2Model(config, true, compute, tokenizer);
        params.forEach((k, v) -> m.params.put(k, v.castTo(storage).dup('c')));
        return m;
    }

    @Override
    public float[] parameter(String name) {
        INDArray a = params.get(name);
        if (a == null) throw new anchor.AnchorException("no parameter named " + name);
        return Gpt2Weights.floats(a);
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

    /** The type every graph computes in (FLOAT; DOUBLE for gradient checks). */
    DataType computeType() {
        return compute;
    }

    /** The live parameter arrays (HF names). Updating them in place updates every graph. */
    public Map<String, INDArray> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /** A copy of the parameters as plain arrays, for export or comparison. */
    public Gpt2Weights weights() {
        Map<String, Gpt2Weights.Tensor> t = new LinkedHashMap<>();
        params.forEach((k, v) -> t.put(k, new Gpt2Weights.Tensor(Gpt2Weights.floats(v), v.shape())));
        return new Gpt2Weights(config, t, tokenizer);
    }

    /** The tokenizer files this model's weights were loaded with, or null ({@link Gpt2Weights#tokenizer()}). */
    public Gpt2Weights.TokenizerFiles tokenizerFiles() {
        return tokenizer;
    }

    /** Trainable parameters, counted from the SameDiff graph's variables (a tied head is one variable). */
    @Override
    public long trainableParameterCount() {
        return graph(1, 1, false).sd.variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .mapToLong(v -> v.getArr().length()).sum();
    }

    Gpt2Graph graph(int B, int T, boolean training) {
        return graph(B, T, training, Gpt2Graph.Heads.LM);
    }

    Gpt2Graph graph(int B, int T, boolean training, Gpt2Graph.Heads heads) {
        if (training && frozen) throw new anchor.AnchorException("a frozen model runs in eval mode only (no dropout, no gradients)");
        return graphs.get(List.of(B, T, training, heads), () -> Gpt2Graph.build(config, params, compute, B, T, training, frozen, heads));
    }

    /** Whether this model has a scalar head ({@code score.weight}, as Hugging Face's {@code GPT2ForSequenceClassification}). */
    public boolean hasScoreHead() {
        return params.containsKey(Gpt2Graph.SCORE_WEIGHT);
    }

    /**
     * The scalar head at every position, eval mode: {@code [b][t] = ln_f(h)[b,t] · score.weight}, shape (B, T); values
     * at padding positions are meaningless. A reward model reads it at the last real token, a value model at each
     * position that predicts a response token.
     */
    public double[][] scores(TokenBatch batch) {
        batch.validate(config);
        Gpt2Graph g = graph(batch.batchSize(), batch.length(), false, Gpt2Graph.Heads.SCORE);
        INDArray s = g.sd.output(GraphInputs.forward(config, params, compute, batch, g, null), Gpt2Graph.SCORE).get(Gpt2Graph.SCORE); // (B, T)
        return s.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** Logits (B, T, V) in eval mode: dropout off, deterministic. */
    public INDArray logits(TokenBatch batch) {
        return run(batch, null, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
    }

    /** Logits (B, T, V) in training mode: dropout on, masks drawn from {@code rng}. */
    public INDArray logitsTraining(TokenBatch batch, java.util.Random rng) {
        return run(batch, rng, Gpt2Graph.LOGITS).get(Gpt2Graph.LOGITS);
    }

    /**
     * Token log-probs computed in the graph: {@code [b][t] = log p(ids[b][t+1] | ids[b][..t])} for t &lt; T−1
     * (0 where the target is padding), shape (B, T−1) — the same as {@code logprobs.TokenLogProbs.gather}.
     */
    @Override
    public double[][] tokenLogProbs(TokenBatch batch) {
        return tokenLogProbs(batch, 1.0);
    }

    @Override
    public double[][] tokenLogProbs(TokenBatch batch, double temperature) {
        return tokenLogProbs(batch, temperature, batch.targetMask());
    }

    /** Only the targets asked for pass through the LM head (most of a small model's work); the others are 0. */
    @Override
    public double[][] tokenLogProbs(TokenBatch batch, double temperature, int[][] targets) {
        double scale = GraphInputs.logitScale(temperature);
        INDArray h = finalHidden(batch);                                                                                  // (B·T, C)
        int[] rows = batch.targetRows(targets);
        double[] lp = LmHead.apply(h, head(), GraphInputs.lmTargets(batch), rows, null, scale).logp();                     // (B·T)
        h.close();
        return batch.perTarget(lp);
    }

    /**
     * Logits (M, V), eval mode, at the M targets marked in {@code targets} (B, T−1) that are real, in row-major order
     * (b, then t): only those positions pass through the head, not the whole (B, T, V). Row k is position t of row b,
     * the distribution over token t+1.
     */
    public INDArray logitRows(TokenBatch batch, int[][] targets) {
        int[] rows = batch.targetRows(targets);
        if (rows.length == 0) throw new anchor.AnchorException("no real targets asked for: nothing to compute logits at");
        INDArray h = finalHidden(batch);                                                        // (B·T, C)
        INDArray z = LmHead.logits(h, head(), rows);                                            // (M, V)
        h.close();
        return z;
    }

    /** The final layer norm's output (B·T, C) of an eval-mode pass: what the LM head reads. */
    INDArray finalHidden(TokenBatch batch) {
        batch.validate(config);
        Gpt2Graph g = graph(batch.batchSize(), batch.length(), false);
        return g.sd.output(GraphInputs.forward(config, params, compute, batch, g, null), Gpt2Graph.OUT).get(Gpt2Graph.OUT);
    }

    /** The LM head's (V, C) matrix in the compute type (a stored-FP16 reference casts it for the call). */
    INDArray head() {
        INDArray w = params.get(config.lmHeadWeight());
        return w.dataType() == compute ? w : w.castTo(compute);
    }

    /**
     * One forward and backward pass of {@code loss} ({@link Loss}: the LM head's term, the scalar head's, or both over
     * one trunk). The LM head runs only at the rows that have a weight, so {@link Gradients#tokenLogProbs} holds
     * log-probs there and 0 elsewhere.
     *
     * @return the gradients of every parameter (HF names), the embedding gradient scattered into wte and wpe
     */
    public Gradients gradients(TokenBatch batch, Loss loss) {
        Loss.HeadTerm head = loss.headTerm(batch);
        try (TrainingPass pass = TrainingPass.open(this, batch, head != null, loss.scoreWeights(), loss.dropout(), loss.temperature())) {
            return pass.backward(head == null ? null : head.weights(), head == null ? null : head.rows());
        }
    }

    /**
     * A forward pass in eval mode kept for one backward pass: its token log-probs first, then the gradient of a loss
     * whose weights were computed from them ({@link TrainingPass}; one forward pass where a log-prob pass and
     * {@link #gradients} ran two).
     */
    public TrainingPass trainingPass(TokenBatch batch) {
        return trainingPass(batch, 1.0);
    }

    /** As above, the log-probs (and their gradient) from logits divided by {@code temperature}. */
    public TrainingPass trainingPass(TokenBatch batch, double temperature) {
        return TrainingPass.open(this, batch, true, null, null, temperature);
    }

    /**
     * The scalar head's forward pass in eval mode kept for one backward pass: its values ({@link TrainingPass#scores},
     * what {@link #scores} gives) first, then the gradient of a loss whose weights were computed from them
     * ({@link TrainingPass#scoreGradients}) — one forward pass where {@link #scores} and {@link #gradients} ran two.
     */
    public TrainingPass scorePass(TokenBatch batch) {
        return TrainingPass.openScores(this, batch);
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
        Map<String, INDArray> out = g.sd.output(GraphInputs.forward(config, params, compute, batch, g, rng), outputs);
        Map<String, INDArray> copy = new HashMap<>();
        out.forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }
}
