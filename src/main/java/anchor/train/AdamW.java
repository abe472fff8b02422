package anchor.train;

import anchor.gpt2.Gpt2Weights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, Algorithm 2), as {@code torch.optim.AdamW}:
 * <pre>
 * m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 * θ ← θ − lr·wd·θ              (decoupled decay; matrices only, not biases, layer norms — as nanoGPT)
 * θ ← θ − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * </pre>
 */
public final class AdamW implements Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private double lr;
    private final Map<String, INDArray> m = new HashMap<>(), v = new HashMap<>();
    private int t;

    public AdamW(double lr, double beta1, double beta2, double eps, double weightDecay) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public static AdamW standard(double lr) {
        return new AdamW(lr, 0.9, 0.999, 1e-8, 0.0);
    }

    public void setLearningRate(double lr) {
        this.lr = lr;
    }

    /** Steps taken so far (t in the bias corrections). */
    public int steps() {
        return t;
    }

    /** Writes m, v and t to a safetensors file (for exact resume). */
    @Override
    public void save(java.nio.file.Path file) {
        Map<String, anchor.safetensors.SafetensorsWriter.Lazy> out = new java.util.LinkedHashMap<>();   // one tensor on the heap at a time
        new java.util.TreeMap<>(m).forEach((k, a) -> {
            out.put("m/" + k, new anchor.safetensors.SafetensorsWriter.Lazy(a.shape(), () -> anchor.gpt2.Gpt2Weights.floats(a)));
            out.put("v/" + k, new anchor.safetensors.SafetensorsWriter.Lazy(a.shape(), () -> anchor.gpt2.Gpt2Weights.floats(v.get(k))));
        });
        anchor.safetensors.SafetensorsWriter.write(file, out, anchor.safetensors.DType.F32, Map.of("t", Integer.toString(t)));
    }

    /** Restores the state written by {@link #save}. */
    @Override
    public void load(java.nio.file.Path file) {
        anchor.safetensors.SafetensorsFile f = anchor.safetensors.SafetensorsFile.open(file);
        m.clear();
        v.clear();
        for (var info : f.tensors().values()) {
            INDArray a = org.nd4j.linalg.factory.Nd4j.create(f.readFloats(info.name()), info.shape(), 'c');
            (info.name().startsWith("m/") ? m : v).put(info.name().substring(2), a);
        }
        t = Integer.parseInt(f.metadata().getOrDefault("t", "0"));
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        params.forEach((name, p) -> {
            INDArray g = grads.get(name);
            INDArray mi = m.computeIfAbsent(name, k -> p.ulike().assign(0));
            INDArray vi = v.computeIfAbsent(name, k -> p.ulike().assign(0));
            boolean decay = weightDecay > 0 && p.rank() == 2;
            if (Gpt2Weights.flatFloat(p) && Gpt2Weights.flatFloat(g) && Gpt2Weights.flatFloat(mi) && Gpt2Weights.flatFloat(vi)) fused(p, g, mi, vi, decay, bc1, bc2);
            else unfused(p, g, mi, vi, decay, bc1, bc2);
        });
    }

    /** Elements per task of the fused update (the common pool runs the tasks on every core). */
    static final int SLICE = 1 << 16;

    /**
     * The update above in one pass over each element, in double, straight on the arrays' memory: no temporaries. Written
     * out because ND4J's op-by-op form allocated five parameter-sized arrays per tensor per step (a sixth of a PPO update
     * on the world's shape, most of it in allocation).
     */
    private void fused(INDArray p, INDArray g, INDArray mi, INDArray vi, boolean decay, double bc1, double bc2) {
        FloatBuffer P = p.data().asNioFloat(), G = g.data().asNioFloat(), M = mi.data().asNioFloat(), V = vi.data().asNioFloat();
        int n = (int) p.length();
        double shrink = decay ? 1 - lr * weightDecay : 1;
        java.util.stream.IntStream.range(0, (n + SLICE - 1) / SLICE).parallel().forEach(slice -> {
            for (int i = slice * SLICE, end = Math.min(n, i + SLICE); i < end; i++) {
                double gi = G.get(i);
                double mNew = beta1 * M.get(i) + (1 - beta1) * gi;
                double vNew = beta2 * V.get(i) + (1 - beta2) * gi * gi;
                M.put(i, (float) mNew);
                V.put(i, (float) vNew);
                P.put(i, (float) (P.get(i) * shrink - lr * (mNew / bc1) / (Math.sqrt(vNew / bc2) + eps)));
            }
        });
        for (INDArray a : new INDArray[]{p, g, mi, vi}) java.lang.ref.Reference.reachabilityFence(a);   // NIO views do not keep the memory alive
    }

    private void unfused(INDArray p, INDArray g, INDArray mi, INDArray vi, boolean decay, double bc1, double bc2) {
        mi.muli(beta1).addi(g.mul(1 - beta1));
        vi.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        if (decay) p.muli(1 - lr * weightDecay);
        INDArray denom = Transforms.sqrt(vi.div(bc2), false).addi(eps);
        p.subi(mi.div(bc1).divi(denom).muli(lr));
    }
}
