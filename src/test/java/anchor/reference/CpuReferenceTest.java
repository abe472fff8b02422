package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.TokenBatch;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The CPU reference (float64, plain Java) against the SameDiff graph, which applies the temperature inside the graph. */
class CpuReferenceTest {
    final Gpt2Weights w = TestModels.allRandom(TestModels.tiny(), 11);

    @Test
    void tokenLogProbsMatchTheGraphAtEveryTemperature() {
        Gpt2Model graph = Gpt2Model.of(w);
        CpuReference cpu = new CpuReference(w);
        TokenBatch batch = new TokenBatch(new int[][]{{0, 464, 3290, 318, 13}, {0, 0, 1212, 50256, 11}},
                new int[][]{{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}});
        for (double t : new double[]{1.0, 0.7, 2.0}) {
            double[][] expected = graph.tokenLogProbs(batch, t), actual = cpu.tokenLogProbs(batch, t);
            for (int b = 0; b < 2; b++)
                for (int i = 0; i < 4; i++)
                    assertThat(actual[b][i]).as("T = %s, row %d, position %d", t, b, i).isCloseTo(expected[b][i], within(2e-4));
        }
    }
}
