package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * GPT-2 as a SameDiff graph for one batch shape (B, T) and one mode (eval or training with dropout).
 * Variables carry exactly Hugging Face's tensor names and share their arrays with {@link Gpt2Model}, so an update
 * to a parameter is seen by every graph built over it.
 *
 * <p>Placeholders (filled by {@link Gpt2Model}):
 * <ul>
 *   <li>{@code emb} (B, T, C): wte[ids] + wpe[positions], looked up in Java because SameDiff M2.1's {@code gather}
 *       cannot be backpropagated; its exact placeholder gradient is scattered back into wte and wpe.</li>
 *   <li>{@code attn_bias} (B, 1, T, T): 0 where attention is allowed, −1e9 where it is not (causal + padding).</li>
 *   <li>dropout masks (training mode only): {@code drop.emb}, {@code h.i.drop.attn}, {@code h.i.drop.resid_attn},
 *       {@code h.i.drop.resid_mlp}, each already scaled by 1/(1−p).</li>
 * </ul>
 * Outputs: {@code logits} (B, T, V), and per-layer activations {@code h.i.out} (B, T, C) and {@code ln_f.out}.
 *
 * <p>The LM head of a training pass runs outside the graph ({@link LmHead}, in row chunks): the graph exposes the
 * final layer norm's output {@code ln_f.flat} (B·T, C), and its loss takes that output's gradient as a placeholder,
 * <pre>loss = Σ_{n,c} ln_f.flat[n,c] · out_grad[n,c]                               scalar</pre>
 * so that feeding {@code out_grad} = ∂L/∂ln_f (computed by {@link LmHead} from the chapter's ∂L/∂logp) makes the
 * gradient of this {@code loss} exactly ∇L for every trunk parameter; the head's own gradient is {@link LmHead}'s.
 * Any loss that is a function of token log-probs is handled this way. {@code logits} (B, T, V) stays available as an
 * eval output for callers that need every logit.
 *
 * <p>The scalar head (a reward or value model: Hugging Face's {@code GPT2ForSequenceClassification}, {@code score.weight}
 * of shape (1, C), no bias) reads the same final layer norm:
 * <pre>score[b,t] = ln_f(x)[b,t] · score.weightᵀ                                    (B, T)
 * loss      += Σ_{b,t} score_weights[b,t] · score[b,t]</pre>
 * so a loss that is a function of scores gets its exact gradient the same way, with {@code score_weights} = ∂L/∂score.
 * A graph is built with the heads its outputs need ({@link Heads}): the LM head, the scalar head, or both over one trunk.
 *
 * <p>A frozen graph (the reference model) holds the parameters as constants: it has no trainable variables.
 */
final class Gpt2Graph {
    static final String EMB = "emb", ATTN_BIAS = "attn_bias", LOGITS = "logits";
    static final String OUT = "ln_f.flat", OUT_GRAD = "out_grad", LOSS = "loss";
    static final String SCORE = "score", SCORE_WEIGHTS = "score_weights", SCORE_WEIGHT = "score.weight", SCORE_LOSS = "score_loss";

    /** Which heads sit on the trunk: the LM head (logits, token log-probs), the scalar head, or both. */
    enum Heads {
        LM, SCORE, BOTH;

        boolean lm() {
            return this != SCORE;
        }

        boolean score() {
            return this != LM;
        }
    }

    final SameDiff sd;
    final int batch, time;
    final boolean training;
    final Heads heads;
    private boolean gradientsReady;
    private java.util.List<String> reusable;

    private Gpt2Graph(SameDiff sd, int batch, int time, boolean training, Heads heads) {
        this.sd = sd;
        this.heads = heads;
        this.batch = batch;
        this.time = time;
        this.training = training;
    }

    /**
     * Builds the backward graph once; the gradient of the {@code emb} placeholder is requested too. SameDiff M2.1
     * prints one "Added differentiated op" line per op to stdout while doing so; that is silenced here so that a
     * command's stdout (and its JSON last line) stays clean.
     */
    void prepareGradients() {
        if (!gradientsReady) {
            java.io.PrintStream stdout = System.out;
            synchronized (System.class) {
                System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
                try {
                    sd.createGradFunction(EMB);
                } finally {
                    System.setOut(stdout);
                }
            }
            freeIntermediatesOnRelease(sd.getFunction("grad"));
            gradientsReady = true;
        }
    }

    /**
     * SameDiff's default session keeps a cache of intermediate arrays that may grow to a quarter of the machine's
     * memory per graph, and what it does not cache waits for Java's garbage collector, which does not see off-heap
     * bytes: a DPO step left ~700 MB behind and a JVM with several models reached its memory limit. Each graph here
     * runs in a {@link ReusingSession}, which frees an intermediate array the moment the session releases it (when no
     * op needs it any more — the same point at which the default cache would hand it to another op).
     */
    private static ReusingSession freeIntermediatesOnRelease(SameDiff graph) {
        ReusingSession session = new ReusingSession(graph);
        graph.getSessions().put(Thread.currentThread().getId(), session);
        return session;
    }

    /**
     * SameDiff's default array holders keep every variable and constant in a {@code DeviceLocalNDArray} in delayed
     * mode, which stores a second copy of the array ({@code dup}) to replicate to other devices later — on a CPU with
     * one device, never used. Every graph of a model (one per batch shape and mode) thus held a whole copy of the
     * parameters: 0.47 GiB per graph on GPT-2 124M, ~3 GiB in a PPO run. Plain holders keep the model's own arrays
     * (what SameDiff's gradient function already uses); graphs run on the thread that calls them.
     */
    private static void holdWithoutCopies(SameDiff graph) {
        graph.setArrayHolders(new org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder(),
                new org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder(), false);
    }

    /** The gradient function's session on this thread, or null where SameDiff made its own (another thread). */
    ReusingSession gradientSession() {
        return sd.getFunction("grad").getSessions().get(Thread.currentThread().getId()) instanceof ReusingSession s ? s : null;
    }

    /**
     * The forward values the gradient function computes before it reaches the heads' gradient inputs: the ancestors of
     * the loss that do not depend on {@code out_grad} or {@code score_weights}. A first eval pass can compute them all
     * and hand them over ({@link ReusingSession#reuse}); {@link #OUT} is among them.
     */
    java.util.List<String> reusableForward() {
        if (reusable == null) {
            java.util.Set<String> late = new java.util.HashSet<>(java.util.List.of(OUT_GRAD, SCORE_WEIGHTS));
            for (var op : sd.getOps().values())                                         // in build order: inputs before outputs
                if (op.getInputsToOp() != null && op.getInputsToOp().stream().anyMatch(late::contains)) late.addAll(op.getOutputsOfOp());
            java.util.Set<String> ancestors = new java.util.LinkedHashSet<>();
            java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(java.util.List.of(LOSS));
            while (!todo.isEmpty()) {
                String v = todo.pop();
                String producer = sd.getVariables().get(v).getOutputOfOp();
                if (producer == null || !ancestors.add(v)) continue;                    // a placeholder, parameter or constant
                var inputs = sd.getOps().get(producer).getInputsToOp();
                if (inputs != null) todo.addAll(inputs);
            }
            ancestors.removeAll(late);
            reusable = java.util.List.copyOf(ancestors);
        }
        return reusable;
    }

    /** Closes this graph's sessions (the graph is being dropped). */
    void release() {
        java.util.List<SameDiff> graphs = new java.util.ArrayList<>(java.util.List.of(sd));
        if (gradientsReady) graphs.add(sd.getFunction("grad"));
        for (SameDiff g : graphs) {
            g.getSessions().values().forEach(s -> s.getMmgr().close());
            g.getSessions().clear();
        }
    }

    static String blockOut(int layer) {
        return "h." + layer + ".out";
    }

    /**
     * @param dt the compute type; parameters stored in another type (FP16 storage of a frozen reference) enter the
     *           graph as constants cast to {@code dt} at use, so only the stored copy stays resident
     */
    static Gpt2Graph build(Gpt2Config c, Map<String, INDArray> params, DataType dt, int B, int T, boolean training, boolean frozen, Heads heads) {
        if (heads.score() && !params.containsKey(SCORE_WEIGHT)) throw new anchor.AnchorException("this model has no scalar head (score.weight)");
        SameDiff sd = SameDiff.create();
        holdWithoutCopies(sd);
        freeIntermediatesOnRelease(sd);
        params.forEach((name, arr) -> {
            if (arr.dataType() != dt) sd.constant(name + "@" + arr.dataType(), arr).castTo(name, dt);
            else if (frozen) sd.constant(name, arr);
            else sd.var(name, arr);
        });
        int C = c.nEmbd();
        boolean dropout = training;
        SDVariable emb = sd.placeHolder(EMB, dt, B, T, C);                              // (B, T, C)
        SDVariable bias = sd.placeHolder(ATTN_BIAS, dt, B, 1, T, T);                    // (B, 1, T, T)
        SDVariable x = emb.reshape(B * T, C);                                           // (B·T, C)
        if (dropout && c.embdPdrop() > 0) x = x.mul(mask(sd, "drop.emb", B * T, C));
        for (int i = 0; i < c.nLayer(); i++) {
            String h = "h." + i + ".";
            SDVariable a = layerNorm(sd, x, h + "ln_1", c.layerNormEpsilon());          // (B·T, C)
            SDVariable attnDrop = dropout && c.attnPdrop() > 0 ? mask(sd, h + "drop.attn", B, c.nHead(), T, T) : null;
            SDVariable y = CausalSelfAttention.apply(sd, h + "attn.", a, bias, attnDrop, c, B, T); // (B·T, C)
            if (dropout && c.residPdrop() > 0) y = y.mul(mask(sd, h + "drop.resid_attn", B * T, C));
            x = x.add(y);                                                               // (B·T, C)
            SDVariable m = layerNorm(sd, x, h + "ln_2", c.layerNormEpsilon());          // (B·T, C)
            SDVariable f = m.mmul(sd.getVariable(h + "mlp.c_fc.weight"))
                    .add(sd.getVariable(h + "mlp.c_fc.bias"));                          // (B·T, I)
            f = GeluNew.apply(sd, f);                                                   // (B·T, I)
            f = f.mmul(sd.getVariable(h + "mlp.c_proj.weight"))
                    .add(sd.getVariable(h + "mlp.c_proj.bias"));                        // (B·T, C)
            if (dropout && c.residPdrop() > 0) f = f.mul(mask(sd, h + "drop.resid_mlp", B * T, C));
            x = x.add(f);                                                               // (B·T, C)
            x.reshape(B, T, C).rename(blockOut(i));                                     // (B, T, C) exposed for checks
        }
        SDVariable out = layerNorm(sd, x, "ln_f", c.layerNormEpsilon()).rename(OUT);    // (B·T, C)
        out.reshape(B, T, C).rename("ln_f.out");                                        // (B, T, C)
        SDVariable loss = null;
        if (heads.lm()) {
            SDVariable head = sd.getVariable(c.lmHeadWeight()); // (V, C)
            SDVariable logits = sd.mmul(out, head, false, true, false)
                    .reshape(B, T, c.vocabSize()).rename(LOGITS);                       // (B, T, V)
            SDVariable outGrad = sd.placeHolder(OUT_GRAD, dt, B * T, C);                // (B·T, C): ∂L/∂ln_f from LmHead
            loss = out.mul(outGrad).sum();                                              // scalar
        }
        if (heads.score()) {
            SDVariable score = sd.mmul(out, sd.getVariable(SCORE_WEIGHT), false, true, false)
                    .reshape(B, T).rename(SCORE);                                       // (B·T, 1) → (B, T)
            SDVariable scoreWeights = sd.placeHolder(SCORE_WEIGHTS, dt, B, T);          // (B, T)
            SDVariable scoreLoss = score.mul(scoreWeights).sum().rename(SCORE_LOSS);    // scalar
            loss = loss == null ? scoreLoss : loss.add(scoreLoss);
        }
        loss.rename(LOSS);                                                              // scalar
        sd.setLossVariables(LOSS);
        return new Gpt2Graph(sd, B, T, training, heads);
    }

    private static SDVariable mask(SameDiff sd, String name, long... shape) {
        return sd.placeHolder(name, sd.getVariable(EMB).dataType(), shape);
    }

    /** Layer norm over the last axis, written out so ε is exactly the config's (Ba et al. 2016, eq. 4). */
    static SDVariable layerNorm(SameDiff sd, SDVariable x, String prefix, double eps) {
        SDVariable mean = x.mean(true, 1);                                              // (N, 1)
        SDVariable centred = x.sub(mean);                                               // (N, C)
        SDVariable var = centred.mul(centred).mean(true, 1);                            // (N, 1)
        SDVariable normed = centred.div(sd.math.sqrt(var.add(eps)));                    // (N, C)
        return normed.mul(sd.getVariable(prefix + ".weight")).add(sd.getVariable(prefix + ".bias"));
    }
}
