package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One forward and one backward pass of a {@link Gpt2Model}, in two steps. Opening it runs the forward pass and keeps
 * what the backward pass reads: the activations handed on to the gradient function ({@link ReusingSession}) and the
 * final layer norm's output H (B·T, C) that {@link LmHead} reads. {@link #tokenLogProbs} (or {@link #logitRows}, every
 * logit at the positions asked for) then reads that pass, and {@link #gradients} runs the LM head with the loss
 * weights and the backward pass.
 *
 * <p>Why two steps: a loss whose per-token weights depend on whole sequences — DPO's ∂L/∂logp for every token of a
 * pair depends on both sequences' summed log-probs (document 3, "The DPO loss") — needs the log-probs before the
 * weights exist. One pass to learn the log-probs and a second to train ran the policy's forward pass twice per step.
 * The log-probs and gradients are bitwise what that log-prob pass and {@link Gpt2Model#gradients} give: the same graph
 * ops on the same inputs, and the head asked for the same rows. When the backward pass's rows are the log-probs'
 * rows, the head's forward work (each chunk's exp(z − max) and sums, {@link LmHead.Kept}) is not done a second time.
 */
public final class TrainingPass implements AutoCloseable {
    private final Gpt2Model model;
    private final TokenBatch batch;
    private final Gpt2Graph graph;
    private final Map<String, INDArray> inputs;
    private final ReusingSession session;
    private final Map<String, INDArray> forward;
    private final INDArray hidden;                                                       // (B·T, C) ln_f output, or null without the LM head
    private final double scale;
    private LmHead.Kept kept;                                                            // the head's forward work, for the backward pass
    private boolean headReused;
    private boolean finished;

    private TrainingPass(Gpt2Model model, TokenBatch batch, Gpt2Graph graph, Map<String, INDArray> inputs, ReusingSession session,
                         Map<String, INDArray> forward, double scale) {
        this.model = model;
        this.batch = batch;
        this.graph = graph;
        this.inputs = inputs;
        this.session = session;
        this.forward = forward;
        this.hidden = forward == null || !graph.heads.lm() ? null : forward.get(Gpt2Graph.OUT);
        this.scale = scale;
    }

    /** The forward pass (dropout masks from {@code dropoutRng}, or eval mode when null); the heads the loss will use. */
    static TrainingPass open(Gpt2Model model, TokenBatch batch, boolean lmLoss, double[][] scoreWeights, java.util.Random dropoutRng, double temperature) {
        if (!lmLoss && scoreWeights == null) throw new anchor.AnchorException("no loss: give token log-prob weights, score weights or both");
        Gpt2Graph.Heads heads = scoreWeights == null ? Gpt2Graph.Heads.LM : !lmLoss ? Gpt2Graph.Heads.SCORE : Gpt2Graph.Heads.BOTH;
        return open(model, batch, heads, scoreWeights, dropoutRng, lmLoss ? GraphInputs.logitScale(temperature) : 1);
    }

    /**
     * The scalar head's forward pass in eval mode, kept for one backward pass: {@link #scores} first, then
     * {@link #scoreGradients} with weights computed from them (PPO's value loss clips each new value against the old).
     */
    static TrainingPass openScores(Gpt2Model model, TokenBatch batch) {
        return open(model, batch, Gpt2Graph.Heads.SCORE, null, null, 1);
    }

    private static TrainingPass open(Gpt2Model model, TokenBatch batch, Gpt2Graph.Heads heads, double[][] scoreWeights, java.util.Random dropoutRng, double scale) {
        if (model.isFrozen()) throw new anchor.AnchorException("the reference model is frozen: it has no trainable parameters to differentiate");
        batch.validate(model.config());
        Gpt2Graph g = model.graph(batch.batchSize(), batch.length(), dropoutRng != null, heads);
        g.prepareGradients();
        Map<String, INDArray> ph = GraphInputs.training(model.config(), model.parameters(), model.computeType(), batch, g, scoreWeights, dropoutRng); // one set of dropout masks for both passes
        boolean deferredScores = !heads.lm() && scoreWeights == null;                   // the scores are asked for before their weights exist
        ReusingSession session = heads.lm() || deferredScores ? g.gradientSession() : null;
        // the forward pass once: its activations go on to the gradient function, which then runs only the backward
        Map<String, INDArray> forward = !heads.lm() && !deferredScores ? null
                : g.sd.output(ph, session != null ? g.reusableForward() : List.of(heads.lm() ? Gpt2Graph.OUT : Gpt2Graph.SCORE));
        return new TrainingPass(model, batch, g, ph, session, forward, scale);
    }

    /** Token log-probs of this pass at the real targets marked in {@code targets} (B, T−1), 0 elsewhere (the head runs only there). */
    public double[][] tokenLogProbs(int[][] targets) {
        if (hidden == null || finished) throw new anchor.AnchorException(finished ? "this pass has run its backward pass already" : "this pass has no LM head");
        if (kept != null) kept.close();
        LmHead.Result head = LmHead.apply(hidden, model.head(), GraphInputs.lmTargets(batch), batch.targetRows(targets), null, scale, true, null);
        kept = head.kept();                                                              // used by gradients() when its rows are these
        return batch.perTarget(head.logp());
    }

    /** Logits (M, V) at the real targets marked in {@code targets} (B, T−1), as {@link Gpt2Model#logitRows}, from this pass. */
    public INDArray logitRows(int[][] targets) {
        if (hidden == null || finished) throw new anchor.AnchorException(finished ? "this pass has run its backward pass already" : "this pass has no LM head");
        int[] rows = batch.targetRows(targets);
        if (rows.length == 0) throw new anchor.AnchorException("no real targets asked for: nothing to compute logits at");
        return LmHead.logits(hidden, model.head(), rows);
    }

    /** The scalar head's values (B, T) of a pass opened by {@link #openScores}: what {@link Gpt2Model#scores} gives. */
    public double[][] scores() {
        if (graph.heads.lm() || forward == null || finished) throw new anchor.AnchorException(finished ? "this pass has run its backward pass already" : "this pass was not opened for the scalar head's values");
        return forward.get(Gpt2Graph.SCORE).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** The backward pass of {@code loss = Σ scoreWeights[b][t] · score[b][t]} (B, T) of a pass opened by {@link #openScores}; once. */
    public Gradients scoreGradients(double[][] scoreWeights) {
        if (graph.heads.lm() || forward == null) throw new anchor.AnchorException("this pass was not opened for the scalar head's values");
        if (finished) throw new anchor.AnchorException("this pass has run its backward pass already");
        inputs.put(Gpt2Graph.SCORE_WEIGHTS, GraphInputs.scoreWeights(batch, scoreWeights, model.computeType()));
        return backward(null, null);
    }

    /** The backward pass of {@code loss = Σ lossWeights[b][t] · logp[b][t]} (B, T−1), as {@link Gpt2Model#gradients} with {@link Loss#tokens(double[][])}; once. */
    public Gradients gradients(double[][] lossWeights) {
        Loss.HeadTerm head = Loss.fixed(batch, lossWeights);
        return backward(head.weights(), head.rows());
    }

    /** The backward pass: the LM head with these weights at these rows (null for no LM loss), then the gradient function. */
    Gradients backward(LmHead.RowWeights lossWeights, int[] rows) {
        if (finished) throw new anchor.AnchorException("this pass has run its backward pass already");
        finished = true;
        if ((lossWeights != null) != graph.heads.lm()) throw new anchor.AnchorException("the loss weights do not match the heads this pass was opened with");
        Gradients g;
        try {
            g = backwardOnce(lossWeights, rows);
        } finally {
            release();
        }
        return g;
    }

    private Gradients backwardOnce(LmHead.RowWeights lossWeights, int[] rows) {
        int B = batch.batchSize(), T = batch.length();
        Map<String, INDArray> params = model.parameters();
        LmHead.Result head = null;
        double lmLoss = 0;
        if (lossWeights != null) {
            double[] w = new double[B * T];
            LmHead.Kept reuse = kept != null && kept.fits(rows) ? kept : null;
            headReused = reuse != null;
            head = LmHead.apply(hidden, model.head(), GraphInputs.lmTargets(batch), rows, (n, lp) -> w[n] = lossWeights.at(n, lp), scale, false, reuse);
            for (int n = 0; n < w.length; n++) if (w[n] != 0) lmLoss += w[n] * head.logp()[n];
            inputs.put(Gpt2Graph.OUT_GRAD, head.hGrad());
        }
        if (session != null && forward != null) session.reuse(forward);
        List<String> wanted = new java.util.ArrayList<>(List.of(graph.sd.grad(Gpt2Graph.EMB).name()));
        String scoreLoss = graph.heads.lm() ? Gpt2Graph.SCORE_LOSS : Gpt2Graph.LOSS;                         // a graph with one head names its loss LOSS
        if (graph.heads.score()) wanted.addAll(List.of(Gpt2Graph.SCORE, scoreLoss));
        Map<String, String> gradName = new LinkedHashMap<>();
        for (String p : params.keySet()) {
            SDVariable gv = graph.sd.grad(p);
            if (gv != null) gradName.put(p, gv.name());
        }
        wanted.addAll(gradName.values());
        Map<String, INDArray> out;
        try {
            out = graph.sd.getFunction("grad").output(inputs, wanted.toArray(new String[0]));
        } finally {
            if (session != null) session.forget();
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        java.util.Set<INDArray> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        String headName = model.config().lmHeadWeight();
        for (String p : params.keySet()) {
            String n = gradName.get(p);
            if (n == null && head != null && p.equals(headName)) grads.put(p, head.wGrad());                // the head's own gradient, no zeros to add it to
            else grads.put(p, n == null ? Nd4j.zeros(params.get(p).dataType(), params.get(p).shape()) : owned(out.get(n), taken));
        }
        if (head != null && gradName.get(headName) != null) grads.get(headName).addi(head.wGrad());
        GraphInputs.scatterEmbeddingGradient(out.get(graph.sd.grad(Gpt2Graph.EMB).name()), batch, grads);
        double[][] lp = head != null ? batch.perTarget(head.logp()) : null;
        double[][] sc = graph.heads.score() ? out.get(Gpt2Graph.SCORE).castTo(DataType.DOUBLE).toDoubleMatrix() : null;
        double loss = lmLoss + (graph.heads.score() ? out.get(scoreLoss).getDouble(0) : 0);
        return new Gradients(loss, lp, sc, grads);
    }

    /**
     * A gradient the caller may keep and update in place: the session's own output array when it is a whole, dense,
     * c-ordered array not handed out already (the usual case: the session keeps no reference to a requested output), else
     * a copy. Copying all of GPT-2 124M's gradients cost 0.2 s and 500 MB of fresh memory per step.
     */
    private static INDArray owned(INDArray a, java.util.Set<INDArray> taken) {
        boolean whole = !a.isView() && a.ordering() == 'c' && a.data().length() == a.length() && a.closeable();
        return whole && taken.add(a) ? a : a.dup('c');
    }

    /** Whether the backward pass used the head's forward work from {@link #tokenLogProbs} (for tests). */
    boolean headReused() {
        return headReused;
    }

    /** Without the session to hand them to, the kept forward arrays are this pass's own (the gradient function recomputes them). */
    private void release() {
        if (kept != null) kept.close();
        if (session == null && hidden != null && hidden.closeable()) hidden.close();
        if (session == null && hidden == null && forward != null) forward.values().forEach(a -> {
            if (a.closeable()) a.close();
        });
    }

    /** Frees the kept forward arrays if no backward pass ran. */
    @Override
    public void close() {
        if (finished) return;
        finished = true;
        if (kept != null) kept.close();
        if (forward != null) forward.values().forEach(a -> {
            if (a.closeable()) a.close();
        });
    }
}
