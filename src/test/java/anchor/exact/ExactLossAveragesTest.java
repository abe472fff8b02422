package anchor.exact;

import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Per-token and constant normalisers scale the true gradient; the per-sequence mean turns it (its length bias). */
class ExactLossAveragesTest {
    @Test
    void onlyThePerSequenceMeanChangesTheDirection() {
        int L = 4;
        List<int[]> ys = Responses.all(ExactDistributionTest.C.vocabSize(), L);
        double[] r = ExactReward.DEFAULT.of(ys);
        Gpt2Model pi = Gpt2Model.of(Gpt2Init.random(ExactDistributionTest.C, 41));
        int[] x = {ExactDistributionTest.EOS};
        ExactDistribution d = ExactDistribution.of(pi, x, ys, 1.0);
        double meanLength = 0;
        for (int i = 0; i < ys.size(); i++) meanLength += Math.exp(d.logProb()[i]) * ys.get(i).length;
        var rows = ExactLossAverages.of(pi, x, ys, r, L);
        assertThat(rows.get(1).averaging()).isEqualTo(ExactLossAverages.Averaging.PER_TOKEN);
        assertThat(rows.get(1).cosine()).as("two float32 backward passes").isCloseTo(1, within(1e-9));
        assertThat(rows.get(1).normRatio()).as("÷ E|y|").isCloseTo(1 / meanLength, within(1e-6 / meanLength));
        assertThat(rows.get(2).cosine()).isCloseTo(1, within(1e-9));
        assertThat(rows.get(2).normRatio()).as("÷ L").isCloseTo(1.0 / L, within(1e-6 / L));
        assertThat(rows.get(0).cosine()).as("per-sequence mean: long responses count less").isLessThan(1 - 1e-4);
    }
}
