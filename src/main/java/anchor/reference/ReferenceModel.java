package anchor.reference;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Locale;

/**
 * Document 1, "Enter the Reference Model" and "The Memory Problem": the frozen copy of the policy that the KL
 * penalty measures drift against, in the three placements the document offers.
 * <ul>
 *   <li>{@link Placement#FP32}: a deep copy, every parameter a SameDiff constant — 0 trainable parameters, eval mode
 *       (the document's {@code create_reference_model}).</li>
 *   <li>{@link Placement#FP16}: the same, stored in half precision; each weight is cast to FP32 where the graph uses
 *       it, because ND4J's CPU half-precision matmul is hundreds of times slower.</li>
 *   <li>{@link Placement#CPU}: plain-Java weights and forward, off any accelerator ({@link CpuReference}).</li>
 * </ul>
 * Option 3 (periodic KL) is {@link PeriodicKl}; option 4 ("no reference", DPO) is refuted by the DPO chapter.
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

    public static LanguageModel create(Gpt2Model policy, Placement placement) {
        return switch (placement) {
            case FP32 -> policy.frozenCopy();
            case FP16 -> policy.frozenCopy(DataType.HALF);
            case CPU -> new CpuReference(policy.weights());
        };
    }

    /** The reference built straight from weights (no trainable copy made first). */
    public static LanguageModel create(anchor.gpt2.Gpt2Weights w, Placement placement) {
        return switch (placement) {
            case FP32 -> Gpt2Model.frozen(w);
            case FP16 -> Gpt2Model.frozen(w).frozenCopy(DataType.HALF);
            case CPU -> new CpuReference(w);
        };
    }

    /** {@code create_reference_model}: the FP32 frozen deep copy. */
    public static Gpt2Model create(Gpt2Model policy) {
        return policy.frozenCopy();
    }
}
