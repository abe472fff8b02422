package anchor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The seeded batch order: epoch e is the shuffle seeded seed·31 + e, drawn in order, across epoch boundaries too. */
class SeedsTest {
    /** The definition, one example at a time. */
    static int reference(int n, int batch, int step, long seed, int i) {
        long k = (long) step * batch + i;
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < n; j++) order.add(j);
        Collections.shuffle(order, new Random(seed * 31 + k / n));
        return order.get((int) (k % n));
    }

    @Test
    void batchIndicesFollowTheDefinitionAcrossEpochs() {
        for (int[] c : new int[][]{{7, 3}, {5, 5}, {3, 8}, {512, 16}, {1, 4}}) {
            int n = c[0], batch = c[1];
            for (int step = 0; step < 6; step++) {
                int[] idx = Seeds.batchIndices(n, batch, step, 11);
                for (int i = 0; i < batch; i++) assertThat(idx[i]).as("n %d, batch %d, step %d, row %d", n, batch, step, i).isEqualTo(reference(n, batch, step, 11, i));
            }
        }
        int[] epoch = new int[7];
        for (int step = 0; step < 7; step++) epoch[step] = Seeds.batchIndices(7, 1, step, 3)[0];
        assertThat(epoch).as("one epoch visits every example once").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
    }
}
