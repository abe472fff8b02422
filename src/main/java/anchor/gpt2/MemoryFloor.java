package anchor.gpt2;

import anchor.AnchorException;

import java.util.Locale;

/**
 * The least native memory a run's largest pass must hold, known before its first step, so a batch that can never fit
 * is refused in one line instead of running into the limit minutes later (#41). Floors, not estimates: a training
 * pass keeps, for its backward pass, at least each layer's MLP pre-activation (R·T·n_inner floats) and attention
 * probabilities (R·n_head·T·T floats); sampling holds at least one row of logits per sequence (R·V floats); all FP32.
 * The real passes keep more (every matmul's input, the layer norms, the head), so a run refused here could not fit,
 * and one let through may still run out of memory (then the out-of-memory line, exit 3).
 */
public final class MemoryFloor {
    private MemoryFloor() {
    }

    /** Bytes one training pass of {@code rows} sequences of {@code positions} tokens keeps at the least. */
    public static long trainingPass(Gpt2Config c, long rows, int positions) {
        long perRowPerLayer = (long) positions * c.nInner() + (long) c.nHead() * positions * positions;   // floats
        return 4L * rows * c.nLayer() * perRowPerLayer;
    }

    /** Bytes sampling {@code rows} sequences at once holds at the least: one step's logits, (rows, V). */
    public static long sampling(Gpt2Config c, long rows) {
        return 4L * rows * c.vocabSize();
    }

    /** What this process may allocate outside the Java heap (JavaCPP's {@code org.bytedeco.javacpp.maxbytes}). */
    public static long allowed() {
        return org.bytedeco.javacpp.Pointer.maxBytes();
    }

    /**
     * Refuses, naming the option, a pass that needs more than {@code allowed}: {@code bytes} at {@code option} =
     * {@code value}, growing in proportion to it; the message gives the largest value that clears the floor.
     */
    public static void check(String what, long bytes, String option, long value, long allowed) {
        if (bytes <= allowed) return;
        long largest = Math.max(0, (long) Math.floor(value * ((double) allowed / bytes)));
        throw new AnchorException(String.format(Locale.ROOT, "%s %d: %s needs at least %.1f GB, more than the %.1f GB this process may allocate "
                        + "(org.bytedeco.javacpp.maxbytes, in jvm.options or ANCHOR_JAVA_OPTS); use a smaller %s (at most %d clears this floor)",
                option, value, what, bytes / 1e9, allowed / 1e9, option, largest));
    }
}
