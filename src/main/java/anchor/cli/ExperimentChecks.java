package anchor.cli;

import anchor.AnchorException;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code anchor experiment NAME} checks before its first arm: that every option given is one NAME takes, that
 * every value is in range, and that {@code --out} can be written — so a bad command line fails in a second, not after
 * an arm has trained.
 */
final class ExperimentChecks {
    private ExperimentChecks() {
    }

    /** Options every experiment takes. */
    private static final Set<String> COMMON = Set.of("--seeds", "--out", "--lr", "--json", "--help", "-h");

    /** The options each experiment takes besides {@link #COMMON}. */
    static final Map<String, Set<String>> TAKES = Map.of(
            "beta-sweep", Set.of("--betas", "--steps", "--batch", "--prompts", "--pairs"),
            "reference-free", Set.of("--betas", "--steps", "--batch", "--prompts", "--pairs"),
            "stronger-reference", Set.of("--betas", "--steps", "--batch", "--prompts", "--pairs", "--reference-steps"),
            "iterative", Set.of("--beta", "--steps", "--batch", "--prompts", "--pairs"),
            "no-kl", Set.of("--betas", "--steps", "--batch", "--prompts", "--eval-every"),
            "critic-free", Set.of("--steps", "--batch", "--prompts", "--eval-every", "--group-size"),
            "ppo-options", Set.of("--steps", "--batch", "--prompts", "--eval-every"),
            "overoptimization", Set.of("--steps", "--batch", "--prompts", "--eval-every", "--samples"),
            "frontier", Set.of("--ppo-betas", "--dpo-betas", "--ppo-steps", "--evaluations", "--steps", "--batch", "--prompts", "--pairs"));

    /** Refuses an option {@code name} does not take, naming the ones it does. */
    static void optionsTaken(String name, ParseResult parsed) {
        Set<String> takes = TAKES.get(name);
        for (var o : parsed.matchedOptions()) {
            String flag = o.longestName();
            if (COMMON.contains(flag) || takes.contains(flag)) continue;
            Set<String> all = new TreeSet<>(takes);
            all.addAll(List.of("--seeds", "--lr", "--out", "--json"));
            throw new AnchorException("experiment " + name + " does not take " + flag + " (it takes " + String.join(", ", all) + ")");
        }
    }

    /** β values of {@code flag}: finite, and &gt; 0 (or &gt;= 0 where β = 0 is an arm, as no-kl's). */
    static void betas(String flag, List<Double> values, boolean zeroAllowed) {
        for (double b : values) {
            if (!Double.isFinite(b) || b < 0 || (b == 0 && !zeroAllowed)) {
                throw new AnchorException(flag + " must be finite numbers " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + b);
            }
        }
    }

    static void positive(String flag, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new AnchorException(flag + " must be a finite number > 0, got " + v);
    }

    static void atLeast(String flag, Integer v, int min) {
        if (v != null && v < min) throw new AnchorException(flag + " must be >= " + min + ", got " + v);
    }

    /**
     * {@code out} can be written: it is a writable directory, or the nearest folder above it that exists is one (so
     * it can be made). Found now, not when the results are written at the end; nothing is created here.
     */
    static void writable(Path out) {
        String why = anchor.train.Folders.whyNotWritable(out);
        if (why != null) throw new AnchorException("cannot write into --out " + out + ": " + why);
    }
}
