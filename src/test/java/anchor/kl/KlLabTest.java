package anchor.kl;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KlLabTest {
    @Test
    void sampledK3AndK1MeansLandOnTheExactKlAndK3NeverGoesNegative() {
        Random r = new Random(5);
        int T = 4, V = 30;
        double[][] p = new double[T][V], q = new double[T][V];
        for (int t = 0; t < T; t++)
            for (int v = 0; v < V; v++) {
                q[t][v] = r.nextGaussian();
                p[t][v] = q[t][v] + 0.5 * r.nextGaussian();
            }
        KlLab.Position[] rows = KlLab.run(p, q, new int[]{0, 1, 2, 3, 4}, 100_000, 1);
        for (KlLab.Position row : rows) {
            assertThat(row.exact()).isPositive();
            assertThat(row.minK3()).isGreaterThanOrEqualTo(0);
            assertThat(row.negativeK1Share()).isGreaterThan(0.1);
            assertThat(row.meanK3()).isCloseTo(row.exact(), within(0.05 * row.exact() + 0.003));
            assertThat(row.meanK1()).isCloseTo(row.exact(), within(0.1 * row.exact() + 0.01));
        }
    }
}
