package anchor.gpt2;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;

import java.util.Map;
import java.util.Set;

/**
 * The session every graph here runs in: it frees an intermediate array the moment the session releases it (see
 * {@link Gpt2Graph}), and it can be handed the values of forward ops already computed, which it then returns instead
 * of running those ops again.
 *
 * <p>Why: a training pass with the LM head outside the graph needs the trunk's output before the backward pass can
 * start (the head's gradient is the backward pass's input). Without reuse, SameDiff's gradient function ran the whole
 * forward pass a second time — a fifth of a GPT-2 training step. With it, the first pass keeps the activations the
 * backward pass reads and the gradient function runs only what depends on the head's gradient. The values are the
 * same arrays the same ops produced from the same inputs, so every result is bitwise what the two-pass run gave.
 */
final class ReusingSession extends InferenceSession {
    private Map<String, INDArray> computed = Map.of();
    private long reusedOps;
    private final Map<Set<String>, Subgraph> subgraphs = new java.util.HashMap<>();

    /** What {@code initSubgraph} found for one set of requested variables: the graph never changes after it is built. */
    private record Subgraph(Set<String> variables, Set<String> ops, Set<String> zeroInputOps) {
    }

    ReusingSession(SameDiff graph) {
        super(graph);
        setMmgr(new FreeOnRelease());
    }

    /** Values (by variable name) to return for the ops that produce them, until {@link #forget()}. */
    void reuse(Map<String, INDArray> values) {
        computed = values;
    }

    /** Ops answered from handed-over values so far (for tests). */
    long reusedOps() {
        return reusedOps;
    }

    void forget() {
        computed = Map.of();
    }

    @Override
    public ExecutionResult doExec(DifferentialFunction op, OpContext ctx, FrameIter frame, Set<VarId> opInputs,
                                  Set<VarId> allIterInputs, Set<String> constAndPhInputs, Map<String, SDValue> otherPlaceholders) {
        String[] outputs = op.outputVariablesNames();
        INDArray[] known = new INDArray[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            known[i] = computed.get(outputs[i]);
            if (known[i] == null) return super.doExec(op, ctx, frame, opInputs, allIterInputs, constAndPhInputs, otherPlaceholders);
        }
        reusedOps++;
        return ExecutionResult.createFrom(java.util.List.of(outputs), known);
    }

    /**
     * The part of the graph a call needs, worked out once per set of requested variables. SameDiff walks the graph
     * backwards from the requested variables on every call, compiling a regular expression per variable on the way
     * ({@code VariableUtils.stripVarSuffix}): 4 % of a world PPO update. The sets are filled in the order the walk
     * gave them the first time.
     */
    @Override
    protected void initSubgraph(Set<String> variables) {
        Subgraph known = subgraphs.get(variables);
        if (known == null) {
            super.initSubgraph(variables);
            known = new Subgraph(new java.util.LinkedHashSet<>(subgraph), new java.util.LinkedHashSet<>(subgraphOps),
                    new java.util.LinkedHashSet<>(zeroInputOpsInSubgraph));
            subgraphs.put(Set.copyOf(variables), known);
            return;
        }
        subgraph.addAll(known.variables());
        subgraphOps.addAll(known.ops());
        zeroInputOpsInSubgraph.addAll(known.zeroInputOps());
    }

    /** Frees each intermediate array at release (SameDiff's default cache kept up to a quarter of the machine's memory per graph). */
    static final class FreeOnRelease extends org.nd4j.autodiff.samediff.internal.memory.NoOpMemoryMgr {
        @Override
        public void release(INDArray array) {
            if (array.closeable()) array.close();
        }
    }
}
