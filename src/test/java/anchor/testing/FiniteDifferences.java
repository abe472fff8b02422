package anchor.testing;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.DoubleSupplier;

/** Central finite differences of a loss with respect to one entry of a parameter array, restored afterwards. */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** (L(θ + ε) − L(θ − ε)) / 2ε at {@code at} of {@code p}; the entry is put back as it was. */
    public static double central(INDArray p, long[] at, double eps, DoubleSupplier loss) {
        double orig = p.getDouble(at);
        p.putScalar(at, orig + eps);
        double up = loss.getAsDouble();
        p.putScalar(at, orig - eps);
        double down = loss.getAsDouble();
        p.putScalar(at, orig);
        return (up - down) / (2 * eps);
    }
}
