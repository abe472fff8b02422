package anchor.gpt2;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Exercise 1.2. Expected values computed once with Python's math module from the formula and stored. */
@Tag("exercise")
class GeluNewExerciseTest {
    static final double[] X = {-5, -2.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 2, 3.7, 10};
    static final double[] EXPECTED = {-2.2917961972623857e-07, -0.015084266089998577, -0.15880800939172324,
            -0.15428599017485606, -0.04601724895456484, 0.0, 0.053982751045435165, 0.34571400982514394,
            0.8411919906082768, 1.954597694087775, 3.699728193978608, 10.0};

    @Test
    void scalarValues() {
        for (int i = 0; i < X.length; i++) assertThat(GeluNew.value(X[i])).as("gelu_new(%s)", X[i]).isCloseTo(EXPECTED[i], within(1e-12));
    }

    @Test
    void samediffOpsMatchTheScalar() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.constant("x", Nd4j.createFromArray(X).castTo(DataType.DOUBLE).reshape(3, 4));
        double[] y = GeluNew.apply(sd, x).eval().reshape(-1).toDoubleVector();
        for (int i = 0; i < X.length; i++) assertThat(y[i]).as("gelu_new(%s)", X[i]).isCloseTo(EXPECTED[i], within(1e-9));
    }
}
