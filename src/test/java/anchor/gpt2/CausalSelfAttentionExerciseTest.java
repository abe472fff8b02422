package anchor.gpt2;

import anchor.testing.Comparator;
import anchor.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Exercise 1.3: one attention layer in SameDiff against the plain-Java loops, and causality. */
@Tag("exercise")
class CausalSelfAttentionExerciseTest {
    static final Gpt2Config C = TestModels.tiny();
    static final Gpt2Weights W = TestModels.allRandom(C, 17);

    static double[] run(double[][] x) {
        int T = x.length;
        SameDiff sd = SameDiff.create();
        for (String n : new String[]{"c_attn.weight", "c_attn.bias", "c_proj.weight", "c_proj.bias"}) {
            Gpt2Weights.Tensor t = W.tensors().get("h.0.attn." + n);
            sd.var("h.0.attn." + n, Nd4j.create(t.data(), t.shape(), 'c'));
        }
        SDVariable in = sd.constant("x", Nd4j.create(x).castTo(DataType.FLOAT));
        SDVariable bias = sd.constant("bias", Nd4j.create(TokenBatch.of(new int[T]).attentionBias(), new long[]{1, 1, T, T}, 'c'));
        INDArray y = CausalSelfAttention.apply(sd, "h.0.attn.", in, bias, null, C, 1, T).eval();
        return y.reshape(-1).castTo(DataType.DOUBLE).toDoubleVector();
    }

    static double[][] randomInput(int T, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[T][C.nEmbd()];
        for (double[] row : x) for (int i = 0; i < row.length; i++) row[i] = r.nextGaussian();
        return x;
    }

    @Test
    void matchesThePlainJavaAttention() {
        double[][] x = randomInput(6, 1);
        double[] expected = Comparator.flatten(new PlainGpt2(W).attention(x, "h.0.attn."));
        Comparator.check("attention (T=6)", expected, run(x), 1e-5);
    }

    @Test
    void laterTokensDoNotChangeEarlierOutputs() {
        double[][] x = randomInput(5, 2);
        double[] before = run(x);
        x[4] = randomInput(1, 3)[0];
        double[] after = run(x);
        int C4 = 4 * C.nEmbd();
        assertThat(java.util.Arrays.copyOf(after, C4)).containsExactly(java.util.Arrays.copyOf(before, C4), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(java.util.Arrays.copyOfRange(after, C4, after.length)).isNotEqualTo(java.util.Arrays.copyOfRange(before, C4, before.length));
    }
}
