package anchor.ppo;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.testing.FiniteDifferences;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The clipped-surrogate gradient at temperature T ≠ 1, as the trainer feeds it to the graph, against finite differences. */
class PpoGradientTest {
    @Test
    void thePolicyGradientAtTemperatureMatchesFiniteDifferences() {
        Gpt2Model m = Gpt2Model.of(TestModels.allRandom(PpoTrainerTest.C, 11), DataType.DOUBLE, false);
        TokenBatch batch = TokenBatch.padded(new int[][]{{50256, 464, 3290, 13, 50256}, {50256, 317, 9}}, false);
        double T = 0.7, clip = 0.2;
        int[][] positions = {{1, 2, 3}, {1}};                 // response tokens: logp indices of rows 0 and 1
        double[][] adv = {{0.8, -1.1, 0.3}, {-0.4}};
        double[][] lp0 = m.tokenLogProbs(batch, T);
        double[][] old = {{lp0[0][1] - 0.3, lp0[0][2] + 0.05, lp0[0][3]}, {lp0[1][1] + 0.4}};  // some ratios outside [0.8, 1.2]
        int n = 4;
        DoubleSupplier loss = () -> {
            double[][] lp = m.tokenLogProbs(batch, T);
            double l = 0;
            for (int b = 0; b < 2; b++) for (int i = 0; i < positions[b].length; i++) l += PpoMath.policyLoss(lp[b][positions[b][i]], old[b][i], adv[b][i], clip).loss() / n;
            return l;
        };
        double[][] w = new double[2][batch.length() - 1];
        int clipped = 0;
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < positions[b].length; i++) {
                var pl = PpoMath.policyLoss(lp0[b][positions[b][i]], old[b][i], adv[b][i], clip);
                w[b][positions[b][i]] = pl.gradLogProb() / n;
                if (pl.clipped()) clipped++;
            }
        assertThat(clipped).as("the example exercises both branches").isBetween(1, 3);
        var g = m.gradients(batch, Loss.tokens(w).withTemperature(T));
        assertThat(g.tokenLogProbs()[0][2]).isCloseTo(lp0[0][2], within(1e-12));
        double byHand = anchor.logprobs.TokenLogProbs.gather(m.logits(batch).div(T), batch)[0][2];
        assertThat(lp0[0][2]).as("the graph's log-probs are log softmax(logits / T)").isCloseTo(byHand, within(1e-9))
                .isNotCloseTo(m.tokenLogProbs(batch)[0][2], within(1e-6));
        String[] names = {"wte.weight", "h.0.attn.c_attn.weight", "h.0.mlp.c_proj.weight", "ln_f.weight"};
        long[][] at = {{3290, 1}, {2, 5}, {7, 3}, {4}};
        for (int i = 0; i < names.length; i++) {
            double numeric = FiniteDifferences.central(m.parameters().get(names[i]), at[i], 1e-6, loss);
            assertThat(g.byParameter().get(names[i]).getDouble(at[i])).as(names[i]).isCloseTo(numeric, within(1e-7 + 1e-4 * Math.abs(numeric)));
        }
    }
}
