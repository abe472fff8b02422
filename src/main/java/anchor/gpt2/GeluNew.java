package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * GPT-2's activation, Hugging Face's {@code gelu_new}: the tanh approximation of GELU
 * (Hendrycks &amp; Gimpel 2016, eq. in §2):
 * <pre>gelu_new(x) = 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))</pre>
 * Written out because SameDiff M2.1's {@code gelu} is the sigmoid approximation and its {@code preciseGelu}
 * gives wrong values and gradients (see shared/notes/samediff-m2.1.md).
 */
public final class GeluNew {
    private GeluNew() {
    }

    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    /** The scalar function, in double precision. */
    public static double value(double x) {
        return 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    }

    /** The same function as SameDiff ops on a tensor of any shape; differentiable. */
    public static SDVariable apply(SameDiff sd, SDVariable x) {
        SDVariable cube = x.mul(x).mul(x);                                      // same shape as x
        SDVariable inner = x.add(cube.mul(0.044715)).mul(SQRT_2_OVER_PI);
        return x.mul(0.5).mul(sd.math.tanh(inner).add(1.0));
    }
}
