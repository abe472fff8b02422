package anchor.exact;

import java.util.Map;

/** Gradients by parameter as one vector, and the two numbers every exact gradient is compared by. */
final class GradientVectors {
    private GradientVectors() {
    }

    /** Every parameter's gradient, one vector, in the graph's parameter order. */
    static double[] flat(Map<String, double[]> g) {
        int size = 0;
        for (double[] v : g.values()) size += v.length;
        double[] out = new double[size];
        int at = 0;
        for (double[] v : g.values()) {
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** cos(a, b); 0 where either is zero. */
    static double cosine(double[] a, double[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) dot += a[i] * b[i];
        double na = norm(a), nb = norm(b);
        return na == 0 || nb == 0 ? 0 : dot / (na * nb);
    }
}
