package anchor.cli;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;

/** Options every command takes, and the JSON last line. */
class Common {
    static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Print one JSON object as the last line.")
    boolean json;

    @Option(names = "--verbose", description = "Print the stack trace on errors.")
    boolean verbose;

    static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tokenizer of the model in {@code dir} (the world's SFT model when null), as {@link #modelDir} resolves it. */
    static anchor.tokenizer.Gpt2Tokenizer tokenizer(Path dir) {
        return anchor.tokenizer.Gpt2Tokenizer.forModel(dir == null ? anchor.world.World.sftDirectory() : dir);
    }

    /** {@code dir}, or the world's SFT model when the flag was not given (saying so in one line on stderr). */
    static Path modelDir(Path dir, String flag, PrintWriter err) {
        if (dir != null) return dir;
        err.println("anchor: " + flag + " not given: using the world's SFT model");
        return anchor.world.World.sftDirectory();
    }

    /**
     * Refuses a run directory that is, or contains, one of the input model directories: the run writes
     * {@code out/model} and {@code out/checkpoint} and would overwrite the model it reads. Compared as real paths, so a
     * symbolic link on either side (out → the input's folder, or an input reached through a link) is seen through.
     * Null inputs are skipped.
     */
    static void refuseOutOverInputs(Path out, String... flagAndDir) {
        Path o = real(out);
        for (int i = 0; i + 1 < flagAndDir.length; i += 2) {
            if (flagAndDir[i + 1] == null) continue;
            if (real(Path.of(flagAndDir[i + 1])).startsWith(o)) {
                throw new AnchorException("--out " + out + " would overwrite " + flagAndDir[i] + " " + flagAndDir[i + 1]
                        + " (the run writes its model and checkpoints there); give another --out");
            }
        }
    }

    /** The real path of {@code p}: its deepest existing ancestor with every link resolved, then the rest as written. */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize(), existing = anchor.train.Folders.nearestExisting(abs);
        if (existing == null) return abs;
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (java.io.IOException e) {
            return abs;
        }
    }

    /**
     * Refuses a directory given for a language-model role (a policy, a reference) that holds a reward or value model —
     * Hugging Face's {@code GPT2ForSequenceClassification}, a scalar head over the trunk — naming the flag and what the
     * directory holds. Read from {@code config.json} alone, before any weights; null inputs are skipped, and a directory
     * without a readable config is left to the loader's own error.
     */
    static void refuseNonLanguageModels(String... flagAndDir) {
        for (int i = 0; i + 1 < flagAndDir.length; i += 2) {
            if (flagAndDir[i + 1] == null) continue;
            Path config = Path.of(flagAndDir[i + 1]).resolve("config.json");
            com.fasterxml.jackson.databind.JsonNode arch;
            try {
                arch = new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile()).path("architectures");
            } catch (java.io.IOException e) {
                continue;
            }
            for (var a : arch) {
                if (a.asText().endsWith("ForSequenceClassification")) {
                    throw new AnchorException(flagAndDir[i] + " " + flagAndDir[i + 1] + " holds a reward or value model (" + a.asText()
                            + ": a scalar head, not a language model); give a language model's directory (a policy, an SFT model)");
                }
            }
        }
    }

    static String str(Path p) {
        return p == null ? null : p.toString();
    }

    /** "1,2,3" or "[1, 2, 3]" → ids; errors name the argument as the user wrote it ({@code --ids}, {@code IDS}, …). */
    static int[] parseIds(String s, String argument) {
        String body = s.trim().replaceAll("^\\[|]$", "").trim();
        if (body.isEmpty()) throw new AnchorException("empty input: " + argument + " holds no token ids");
        try {
            return Arrays.stream(body.split("[,\\s]+")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new AnchorException(argument + " must be comma-separated integers, got '" + s + "'");
        }
    }

    /** A preference file's pairs, with a warning on stderr for pairs whose chosen and rejected texts are equal. */
    static java.util.List<anchor.data.PreferencePair> preferences(Path file, java.io.PrintWriter err) {
        var pairs = anchor.data.PreferenceJsonl.read(file);
        String warning = anchor.data.PreferenceJsonl.identicalWarning(pairs, file.toString());
        if (warning != null) err.println(warning);
        return pairs;
    }
}
