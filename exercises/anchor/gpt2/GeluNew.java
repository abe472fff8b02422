package anchor.gpt2;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * EXERCISE 1.2 — GPT-2's activation, Hugging Face's {@code gelu_new} (tanh approximation of GELU):
 * <pre>gelu_new(x) = 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))</pre>
 * Reading: chapters/01-gpt2-foundation.md, "The block". Tests: {@code GeluNewExerciseTest}.
 * Do not use SameDiff's {@code gelu} or {@code preciseGelu}: the first is a different approximation and the
 * second gives wrong values in M2.1.
 */
public final class GeluNew {
    private GeluNew() {
    }

    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    /** Contract: the formula above for one double. */
    public static double value(double x) {
        throw new UnsupportedOperationException("Exercise 1.2: implement GeluNew.value");
    }

    /** Contract: the same formula as differentiable SameDiff ops on a tensor of any shape (mul, add, sd.math.tanh). */
    public static SDVariable apply(SameDiff sd, SDVariable x) {
        throw new UnsupportedOperationException("Exercise 1.2: implement GeluNew.apply");
    }
}
