package anchor.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

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

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        params.forEach((name, p) -> {
            INDArray g = grads.get(name);
            INDArray mi = m.computeIfAbsent(name, k -> p.ulike().assign(0));
            INDArray vi = v.computeIfAbsent(name, k -> p.ulike().assign(0));
            mi.muli(beta1).addi(g.mul(1 - beta1));
            vi.muli(beta2).addi(g.mul(g).muli(1 - beta2));
            if (weightDecay > 0 && p.rank() == 2) p.muli(1 - lr * weightDecay);
            INDArray denom = Transforms.sqrt(vi.div(bc2), false).addi(eps);
            p.subi(mi.div(bc1).divi(denom).muli(lr));
        });
    }
}
