package anchor.docs;

import java.util.List;

/**
 * Every number that document 1 ({@code 1-reference-model.txt}) prints, with the section it appears in and the
 * tolerance we reproduce it to. Tests assert against these constants; {@code anchor tour} prints them beside ours.
 * Integers are exact (tolerance 0); printed decimals carry half a unit of their last printed digit.
 */
public final class Document1 {
    private Document1() {
    }

    /** A printed value: where it appears, the printout line, the value, and how close ours must be. */
    public record Printed(String section, String printout, double value, double tolerance) {
        public boolean matches(double ours) {
            return Math.abs(ours - value) <= tolerance;
        }
    }

    public static final String TEXT = "Hello, how are you doing today?";
    /** "Computing KL Divergence: The Actual Math", printout {@code Tokens:} — exact. */
    public static final List<Integer> TOKENS = List.of(15496, 11, 703, 389, 345, 1804, 1909, 30);
    /** Same section, {@code Log probability shapes: torch.Size([1, 7])} — exact. */
    public static final List<Integer> LOGPROB_SHAPE = List.of(1, 7);

    public static final Printed POLICY_TRAINABLE = new Printed("Enter the Reference Model",
            "Policy model: 124,439,808 trainable parameters", 124_439_808, 0);
    public static final Printed REFERENCE_TRAINABLE = new Printed("Enter the Reference Model",
            "Reference model: 0 trainable parameters", 0, 0);
    public static final Printed FP32_MB = new Printed("The Memory Problem (Sigh.)", "FP32 reference: ~474.7 MB", 474.7, 0.05);
    public static final Printed FP16_MB = new Printed("The Memory Problem (Sigh.)", "FP16 reference: ~237.4 MB", 237.4, 0.05);
    public static final Printed SAVINGS_MB = new Printed("The Memory Problem (Sigh.)", "Savings: ~237.4 MB (50% reduction)", 237.4, 0.05);
    public static final Printed SAVINGS_PERCENT = new Printed("The Memory Problem (Sigh.)", "Savings: ~237.4 MB (50% reduction)", 50, 0.5);
    /** Per-token KL printed as {@code [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}: Python prints exact zeros as 0.0. */
    public static final Printed PER_TOKEN_KL = new Printed("Computing KL Divergence: The Actual Math",
            "Per-token KL divergences: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]", 0.0, 0);
    public static final Printed MEAN_KL = new Printed("Computing KL Divergence: The Actual Math", "Mean KL divergence: 0.0000", 0.0, 0.00005);
    public static final Printed ABSOLUTE_DIVERGENCE = new Printed("Monitoring Drift During Training", "Absolute: 0.000000", 0.0, 0.0000005);
    public static final Printed RELATIVE_DIVERGENCE = new Printed("Monitoring Drift During Training", "Relative: 0.000000", 0.0, 0.0000005);
}
