package anchor.gpt2;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * C = α·op(A)·op(B) + β·C on FLOAT matrices as one {@code cblas_sgemm} call into the OpenBLAS that ND4J itself calls:
 * the same kernel on the same numbers, so the same bits as {@code Nd4j.gemm} and SameDiff's {@code matmul} and
 * {@code matmul_bp} ops ({@code GemmTest} checks every orientation used here). Without ND4J's wrapper around the call:
 * on this project's shapes the wrapper cost 0.07–0.8 ms a call — as much as the GEMM itself for the world's
 * (512, 128) matrices and for GPT-2's few-row products in generation (bench/NOTES.md, "2026-12-04, evening").
 *
 * <p>Row-major matrices whose rows are contiguous (c-order, or a range of rows or columns of one) go straight to
 * OpenBLAS; anything else (DOUBLE for gradient checks, other strides) goes through {@code Nd4j.gemm}.
 */
final class Gemm {
    private Gemm() {
    }

    /** op(A)·op(B) into a new (M, N) array. */
    static INDArray product(INDArray a, INDArray b, boolean transA, boolean transB) {
        long m = transA ? a.columns() : a.rows(), n = transB ? b.rows() : b.columns();
        INDArray c = Nd4j.createUninitialized(a.dataType(), m, n);                          // (M, N), every element written (β = 0)
        into(a, b, c, transA, transB, 1.0, 0.0);
        return c;
    }

    /** C ← α·op(A)·op(B) + β·C. */
    static void into(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        if (!direct(a) || !direct(b) || !direct(c)) {
            Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
            return;
        }
        int m = (int) c.rows(), n = (int) c.columns(), k = (int) (transA ? a.rows() : a.columns());
        long aRows = transA ? a.columns() : a.rows(), bRows = transB ? b.columns() : b.rows(), bCols = transB ? b.rows() : b.columns();
        if (aRows != m || bRows != k || bCols != n)
            throw new IllegalArgumentException("gemm: op(A) " + aRows + "×" + k + ", op(B) " + bRows + "×" + bCols + ", C " + m + "×" + n);
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
                (float) alpha, pointer(a), lead(a), pointer(b), lead(b), (float) beta, pointer(c), lead(c));
    }

    /** A FLOAT matrix whose rows lie in memory one after the other, each contiguous: what OpenBLAS takes as is. */
    static boolean direct(INDArray x) {
        return x.dataType() == DataType.FLOAT && x.rank() == 2 && x.ordering() == 'c' && !x.isEmpty()
                && (x.columns() == 1 || x.stride(1) == 1) && lead(x) >= x.columns();
    }

    /** Elements from one row's start to the next's. */
    private static int lead(INDArray x) {
        return (int) (x.rows() == 1 ? x.columns() : x.stride(0));
    }

    /** The array's first element: a view's buffer starts at its own offset already (ND4J M2.1), so only the rest is added. */
    private static FloatPointer pointer(INDArray x) {
        return new FloatPointer(x.data().addressPointer()).position(x.offset() - x.data().offset());
    }
}
