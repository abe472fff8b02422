package anchor.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llm.c-style comparison (after {@code test_gpt2.c}): prints the first few expected/actual pairs with OK or
 * NOT OK, then the max absolute difference, and fails when any pair is further apart than the tolerance.
 */
public final class Comparator {
    private Comparator() {
    }

    private static final int SHOWN = 5;

    public static double check(String label, double[] expected, double[] actual, double tol) {
        assertThat(actual).as(label + " length").hasSize(expected.length);
        double maxDiff = 0;
        int bad = 0;
        StringBuilder sb = new StringBuilder(label).append('\n');
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            boolean ok = d <= tol && !Double.isNaN(actual[i]);
            if (!ok) bad++;
            maxDiff = Math.max(maxDiff, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
            if (i < SHOWN) sb.append(String.format("  %12.6f %12.6f %s%n", expected[i], actual[i], ok ? "OK" : "NOT OK"));
        }
        sb.append(String.format("  %s: max diff %.3e over %d values (tol %.1e)%s%n", bad == 0 ? "OK" : "NOT OK", maxDiff,
                expected.length, tol, bad == 0 ? "" : ", " + bad + " outside"));
        System.out.print(sb);
        assertThat(bad).as(sb.toString()).isZero();
        return maxDiff;
    }

    public static double[] flatten(double[][] x) {
        return java.util.Arrays.stream(x).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    public static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
