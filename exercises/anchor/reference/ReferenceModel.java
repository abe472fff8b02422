package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Locale;

/**
 * EXERCISE 2.1 — the frozen reference (document 1, "Enter the Reference Model", {@code create_reference_model}).
 * Reading: chapters/02-reference-model.md. Tests: {@code ReferenceModelExerciseTest}.
 */
public final class ReferenceModel {
    private ReferenceModel() {
    }

    public enum Placement {
        FP32, FP16, CPU;

        public static Placement parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new anchor.AnchorException("unknown reference placement '" + s + "' (fp32, fp16 or cpu)");
            }
        }
    }

    /**
     * Contract: FP32 → a frozen deep copy (every parameter copied, 0 trainable parameters, eval mode, unchanged
     * when the policy trains); FP16 → the same with parameters stored as {@link DataType#HALF}; CPU → a
     * {@link CpuReference} over the policy's weights. Hint: look at what {@link Gpt2Model} offers.
     */
    public static LanguageModel create(Gpt2Model policy, Placement placement) {
        throw new UnsupportedOperationException("Exercise 2.1: implement ReferenceModel.create(policy, placement)");
    }

    /** Given (not part of the exercise): the reference built from weights, through your {@link #create(Gpt2Model, Placement)}. */
    public static LanguageModel create(anchor.gpt2.Gpt2Weights w, Placement placement) {
        return create(Gpt2Model.frozen(w), placement);
    }

    /** Contract: {@code create(policy, FP32)} as a {@link Gpt2Model}. */
    public static Gpt2Model create(Gpt2Model policy) {
        throw new UnsupportedOperationException("Exercise 2.1: implement ReferenceModel.create(policy)");
    }
}
