package anchor.gpt2;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training pass hands its first pass's activations to the gradient function ({@link ReusingSession}) instead of
 * running the forward twice: the gradients must be bitwise those of the two-pass run. A thread other than the one that
 * built the graph gets SameDiff's own session, which recomputes — that is the two-pass reference here.
 */
class ForwardReuseTest {
    private final Gpt2Config config = new Gpt2Config(2, 2, 16, 16, Gpt2Config.GPT2_VOCAB, 32, 1e-5, true, 0.1, 0.1, 0.1, 0.02);

    private Gradients pass(Gpt2Model m, TokenBatch batch, double[][] w, double[][] scores, long dropoutSeed) {
        return m.gradients(batch, new Loss(w, null, null, scores, new Random(dropoutSeed), 1.0));
    }

    @Test
    void oneForwardGivesTheTwoPassGradientsBitwise() throws Exception {
        Gpt2Model m = Gpt2Model.of(Gpt2Init.random(config, 3), DataType.FLOAT, false);
        TokenBatch batch = TokenBatch.padded(new int[][]{{5, 9, 11, 2, 40, 7}, {3, 1, 4}}, true);
        double[][] w = {{0.3, -0.2, 0.5, 0.1, -0.4}, {0, 0, 0, 0.7, -0.1}};
        Gradients once = pass(m, batch, w, null, 11);
        ReusingSession session = m.graph(2, 6, true).gradientSession();
        assertThat(session).as("this thread's gradient session").isNotNull();
        assertThat(session.reusedOps()).as("forward ops answered from the first pass").isGreaterThan(20);

        AtomicReference<Gradients> twice = new AtomicReference<>();
        Thread other = new Thread(() -> twice.set(pass(m, batch, w, null, 11)));
        other.start();
        other.join();
        assertThat(once.loss()).isEqualTo(twice.get().loss());
        for (Map.Entry<String, INDArray> e : once.byParameter().entrySet())
            assertThat(e.getValue().data().asFloat()).as(e.getKey()).containsExactly(twice.get().byParameter().get(e.getKey()).data().asFloat());
    }
}
