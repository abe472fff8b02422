package anchor.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/** Plain gradient descent: θ ← θ − lr·g. */
public record Sgd(double lr) implements Optimizer {
    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads) {
        params.forEach((name, p) -> p.subi(grads.get(name).mul(lr)));
    }
}
