package anchor.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** AdamW against torch.optim.AdamW's update written out in double, for whole arrays (fused path) and views (op by op). */
class AdamWTest {
    /** θ, m and v are stored in float32 between steps: agreement to four float32 ulps of the largest |θ| (a missing bias
     *  correction or a misplaced ε is off by about the learning rate, 10⁻², or by ε/√v̂, far above this). */
    static final int ULPS = 4;

    @Test
    void threeStepsMatchTheFormulaWithDecayOnMatricesOnly() {
        double lr = 1e-2, b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1;
        Random r = new Random(5);
        int rows = 300, cols = 301;                                       // more than one slice of the fused loop
        double[] w0 = gaussian(r, rows * cols), b0 = gaussian(r, cols);
        INDArray w = Nd4j.create(toFloat(w0), new long[]{rows, cols}, DataType.FLOAT);
        INDArray b = Nd4j.create(toFloat(b0), new long[]{cols}, DataType.FLOAT);
        INDArray wide = Nd4j.create(DataType.FLOAT, rows, cols + 5);      // a view: the op-by-op path
        INDArray view = wide.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, cols));
        view.assign(w);
        AdamW opt = new AdamW(lr, b1, b2, eps, wd), optView = new AdamW(lr, b1, b2, eps, wd);
        double[] mw = new double[w0.length], vw = new double[w0.length], mb = new double[b0.length], vb = new double[b0.length];
        double[] ew = w0.clone(), eb = b0.clone();
        for (int t = 1; t <= 3; t++) {
            double[] gw = gaussian(r, w0.length), gb = gaussian(r, b0.length);
            opt.step(Map.of("w", w, "b", b), Map.of("w", Nd4j.create(toFloat(gw), new long[]{rows, cols}, DataType.FLOAT),
                    "b", Nd4j.create(toFloat(gb), new long[]{cols}, DataType.FLOAT)));
            optView.step(Map.of("w", view), Map.of("w", Nd4j.create(toFloat(gw), new long[]{rows, cols}, DataType.FLOAT)));
            torchStep(ew, gw, mw, vw, t, lr, b1, b2, eps, wd);
            torchStep(eb, gb, mb, vb, t, lr, b1, b2, eps, 0);             // a vector: no decay
        }
        assertClose("matrix, fused", w.data().asDouble(), ew);
        assertClose("vector, fused, not decayed", b.data().asDouble(), eb);
        assertClose("matrix view, op by op", view.dup('c').data().asDouble(), ew);
    }

    /** torch.optim.AdamW, one parameter tensor, in double. */
    static void torchStep(double[] p, double[] g, double[] m, double[] v, int t, double lr, double b1, double b2, double eps, double wd) {
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = b1 * (float) m[i] + (1 - b1) * (float) g[i];
            v[i] = b2 * (float) v[i] + (1 - b2) * (float) g[i] * (float) g[i];
            double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
            p[i] = (float) (p[i] - lr * mHat / (Math.sqrt(vHat) + eps));   // stored in float32, as the model's weights
        }
    }

    static void assertClose(String what, double[] actual, double[] expected) {
        double worst = 0, largest = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            largest = Math.max(largest, Math.abs(expected[i]));
        }
        double bar = ULPS * Math.ulp((float) largest);
        System.out.printf("AdamW %-28s max |Δθ| %.3e  (bar %.1e)  %s%n", what, worst, bar, worst <= bar ? "OK" : "NOT OK");
        assertThat(worst).as(what + ": max |θ − torch's θ|").isLessThanOrEqualTo(bar);
    }

    static double[] gaussian(Random r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        return x;
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }
}
