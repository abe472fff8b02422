package anchor.gpt2;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The chunked LM head against the formula written out in plain float64 loops, over several chunks and a partial one,
 * computing every row or only some (the rows left out must get log-prob 0 and contribute no gradient).
 */
class LmHeadTest {
    @ParameterizedTest(name = "every row computed: {0}")
    @ValueSource(booleans = {true, false})
    void logProbsAndBothGradientsMatchTheFormulaAcrossChunks(boolean everyRow) {
        int N = 2 * LmHead.CHUNK + 37, C = 6, V = 23;
        double s = 1 / 0.7;
        Random r = new Random(4);
        double[][] h = new double[N][C], w = new double[V][C];
        int[] y = new int[N];
        double[] weight = new double[N];
        boolean[] wanted = new boolean[N];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) h[n][c] = r.nextGaussian();
            y[n] = r.nextInt(V);
            weight[n] = n % 5 == 0 ? 0 : r.nextGaussian();
            wanted[n] = everyRow || n % 3 != 1;
        }
        for (int v = 0; v < V; v++) for (int c = 0; c < C; c++) w[v][c] = r.nextGaussian();
        INDArray H = Nd4j.createFromArray(h).castTo(DataType.DOUBLE), W = Nd4j.createFromArray(w).castTo(DataType.DOUBLE);
        int[] rows = LmHead.selected(wanted);
        assertThat(rows.length).isEqualTo(everyRow ? N : N - (N + 1) / 3);
        boolean[] asked = new boolean[N];
        LmHead.Result res = LmHead.apply(H, W, y, rows, (n, lp) -> {
            asked[n] = true;
            return weight[n];
        }, s);
        assertThat(asked).as("the weights are asked for exactly the computed rows").containsExactly(wanted);
        double[][] dh = new double[N][C], dw = new double[V][C];
        for (int n = 0; n < N; n++) {
            if (!wanted[n]) {
                assertThat(res.logp()[n]).as("row %d is not computed", n).isZero();
                continue;
            }
            double[] z = new double[V];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int v = 0; v < V; v++) {
                for (int c = 0; c < C; c++) z[v] += s * h[n][c] * w[v][c];
                max = Math.max(max, z[v]);
            }
            for (int v = 0; v < V; v++) sum += Math.exp(z[v] - max);
            double logp = z[y[n]] - max - Math.log(sum);
            assertThat(res.logp()[n]).as("logp of row %d", n).isCloseTo(logp, within(1e-12));
            for (int v = 0; v < V; v++) {
                double g = weight[n] * s * ((v == y[n] ? 1 : 0) - Math.exp(z[v] - max) / sum);
                for (int c = 0; c < C; c++) {
                    dh[n][c] += g * w[v][c];
                    dw[v][c] += g * h[n][c];
                }
            }
        }
        for (int n = 0; n < N; n++) for (int c = 0; c < C; c++) assertThat(res.hGrad().getDouble(n, c)).as("∂L/∂H[%d,%d]", n, c).isCloseTo(dh[n][c], within(1e-12));
        for (int v = 0; v < V; v++) for (int c = 0; c < C; c++) assertThat(res.wGrad().getDouble(v, c)).as("∂L/∂W[%d,%d]", v, c).isCloseTo(dw[v][c], within(1e-10));
        assertThat(LmHead.apply(H, W, y, rows, null, s).logp()).as("the forward pass alone gives the same log-probs").containsExactly(res.logp());
    }
}
