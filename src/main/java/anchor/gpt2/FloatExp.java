package anchor.gpt2;

/**
 * e^x in float, bit for bit the value of glibc's {@code expf} on x86-64 with FMA — the function libnd4j's float
 * {@code exp} op calls — so Java code can compute it on its own threads without changing a single result
 * (checked against ND4J's {@code exp} on all 2^32 floats once, bench/NOTES.md; {@code ExpRowsTest} checks 44 million of
 * them and the special values on every build).
 * <p>
 * The method (Szabolcs Nagy's, in glibc since 2.27): with N = 32, write x·N/ln 2 = k + r, k the nearest integer,
 * |r| ≤ 1/2; then e^x = 2^(k/N) · 2^(r/N), 2^(k/N) from a 32-entry table of 2^(i/N) with the integer part of k/N
 * added to the exponent bits, and 2^(r/N) by a cubic in r. Everything in double; one rounding to float at the end.
 */
final class FloatExp {
    private FloatExp() {
    }

    private static final int N = 32;
    /** TABLE[i] = bits(2^(i/N)) − i·2^47: adding k·2^47 (k's low bits cancel the i·2^47) puts ⌊k/N⌋ into the exponent. */
    private static final long[] TABLE = {
            0x3ff0000000000000L, 0x3fefd9b0d3158574L, 0x3fefb5586cf9890fL, 0x3fef9301d0125b51L, 0x3fef72b83c7d517bL,
            0x3fef54873168b9aaL, 0x3fef387a6e756238L, 0x3fef1e9df51fdee1L, 0x3fef06fe0a31b715L, 0x3feef1a7373aa9cbL,
            0x3feedea64c123422L, 0x3feece086061892dL, 0x3feebfdad5362a27L, 0x3feeb42b569d4f82L, 0x3feeab07dd485429L,
            0x3feea47eb03a5585L, 0x3feea09e667f3bcdL, 0x3fee9f75e8ec5f74L, 0x3feea11473eb0187L, 0x3feea589994cce13L,
            0x3feeace5422aa0dbL, 0x3feeb737b0cdc5e5L, 0x3feec49182a3f090L, 0x3feed503b23e255dL, 0x3feee89f995ad3adL,
            0x3feeff76f2fb5e47L, 0x3fef199bdd85529cL, 0x3fef3720dcef9069L, 0x3fef5818dcfba487L, 0x3fef7c97337b9b5fL,
            0x3fefa4afa2a490daL, 0x3fefd0765b6e4540L};
    private static final double INV_LN2_N = 0x1.71547652b82fep0 * N;          // N / ln 2
    private static final double SHIFT = 0x1.8p52;                             // adding it rounds to an integer
    private static final double C0 = 0x1.c6af84b912394p-5 / N / N / N, C1 = 0x1.ebfce50fac4f3p-3 / N / N, C2 = 0x1.62e42ff0c52d6p-1 / N;

    static float exp(float x) {
        if (!(Math.abs(x) < 88f)) {                                            // rare: |x| ≥ 88, NaN
            if (Float.isNaN(x)) return x;
            if (x > 0x1.62e42ep6f) return Float.POSITIVE_INFINITY;             // above log(2^128)
            if (x < -0x1.9fe368p6f) return 0f;                                 // below log(2^-150); also −∞
        }
        double z = INV_LN2_N * x;                                              // x·N/ln 2
        double kd = z + SHIFT;
        long ki = Double.doubleToRawLongBits(kd);                              // k in the low bits
        kd -= SHIFT;                                                           // k
        double r = Math.fma(INV_LN2_N, x, -kd);                                // z − k, |r| ≤ 1/2 (one rounding, as glibc's FMA build)
        double s = Double.longBitsToDouble(TABLE[(int) (ki & (N - 1))] + (ki << 47)); // 2^(k/N)
        double p = Math.fma(C0, r, C1), r2 = r * r, y = Math.fma(C2, r, 1.0); // the cubic 2^(r/N) ≈ 1 + C2 r + C1 r² + C0 r³
        y = Math.fma(p, r2, y);
        return (float) (y * s);
    }
}
