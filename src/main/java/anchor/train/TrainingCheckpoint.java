package anchor.train;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.safetensors.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one training checkpoint, {@code out/checkpoint}: any number of named models (each a Hugging Face directory,
 * {@code NAME/}), named optimizers ({@code NAME.safetensors}) and {@code trainer_state.json} — the step, the settings
 * the run was started with, and the trainer's own state (a KL controller, say). Randomness in Anchor's trainers is a
 * pure function of (seed, step), so the step is the whole RNG state. (A model alone, in Hugging Face's layout, is an
 * {@link anchor.checkpoint.HfCheckpoint}: what this writes for each model, and what a finished run leaves.)
 *
 * <p>Written whole into {@code checkpoint.tmp} (its {@code trainer_state.json} last, every file forced to disk), then
 * swapped in: the old checkpoint is renamed {@code checkpoint.old}, the new one {@code checkpoint}, the old deleted.
 * A kill at any point leaves one complete checkpoint, which {@link #resume} finds: {@code checkpoint}, else a
 * complete {@code checkpoint.tmp}, else {@code checkpoint.old}.
 */
public final class TrainingCheckpoint {
    private TrainingCheckpoint() {
    }

    /** What a checkpoint holds besides the step and the state: models and optimizers by name. */
    public record Parts(Map<String, Gpt2Model> models, Map<String, Optimizer> optimizers) {
        public static Parts of(Gpt2Model model, Optimizer opt) {
            return new Parts(Map.of("model", model), Map.of("optimizer", opt));
        }
    }

    /** A resumed run: the step to continue from (0 for a new run) and the trainer's saved state (null if none). */
    public record Resumed(int step, ObjectNode state) {
    }

    static final String DIR = "checkpoint", TMP = "checkpoint.tmp", OLD = "checkpoint.old", STATE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Writes the checkpoint whole into {@code checkpoint.tmp} (its {@code trainer_state.json} last: the mark of a
     * complete checkpoint), then swaps it in: {@code checkpoint} → {@code checkpoint.old}, {@code checkpoint.tmp} →
     * {@code checkpoint}, and {@code checkpoint.old} removed. A kill at any point leaves at least one complete
     * checkpoint, which {@link #resume} finds ({@code TrainingCheckpointFaultTest} kills the save after every file operation).
     */
    public static void save(Path out, Parts parts, int step, ObjectNode settings, ObjectNode state) {
        try {
            Files.createDirectories(out);
            Path tmp = out.resolve(TMP);
            deleteCheckpoint(tmp);
            Files.createDirectories(tmp);
            fileOp();
            for (var e : parts.models().entrySet()) {
                HfCheckpoint.save(e.getValue(), true, tmp.resolve(e.getKey()), DType.F32);
                fileOp();
            }
            for (var e : parts.optimizers().entrySet()) {
                e.getValue().save(tmp.resolve(e.getKey() + ".safetensors"));
                fileOp();
            }
            ObjectNode json = JSON.createObjectNode().put("step", step);
            if (settings != null) json.set("settings", settings);
            if (state != null) json.set("state", state);
            forceAll(tmp);
            fileOp();
            Path stateFile = tmp.resolve(STATE);
            Files.writeString(stateFile, json.toString());
            force(stateFile);
            fileOp();
            Path dest = out.resolve(DIR), old = out.resolve(OLD);
            deleteCheckpoint(old);
            if (Files.exists(dest)) {
                Files.move(dest, old, StandardCopyOption.ATOMIC_MOVE);
                fileOp();
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(out);
            fileOp();
            deleteCheckpoint(old);
        } catch (IOException e) {
            throw new AnchorException("cannot write checkpoint to " + out + ": " + e.getMessage(), e);
        }
    }

    /** For tests: called after each file operation of {@link #save}; a test hook may throw there to simulate a kill. */
    static Runnable afterFileOp = () -> {
    };

    private static void fileOp() {
        afterFileOp.run();
    }

    /**
     * Loads the checkpoint in {@code out} (if any) into {@code parts}. Refused, naming the setting, when it was written
     * with other {@code settings} (null: not checked).
     */
    public static Resumed resume(Path out, Parts parts, ObjectNode settings) {
        Path cp = complete(out);
        if (cp == null) return new Resumed(0, null);
        if (!cp.getFileName().toString().equals(DIR)) cp = promote(out, cp);
        try {
            JsonNode saved = readState(cp);
            if (settings != null && saved.has("settings")) {
                String diff = difference(saved.get("settings"), JSON.readTree(settings.toString()));
                if (diff != null) {
                    throw new AnchorException(cp + " was written by a run with other settings (" + diff
                            + "); resume with the same settings, or give a new --out");
                }
            }
            for (var e : parts.models().entrySet()) {
                var w = HfCheckpoint.load(cp.resolve(e.getKey()));
                var params = e.getValue().parameters();
                w.tensors().forEach((k, t) -> {
                    var p = params.get(k);
                    if (p == null || !java.util.Arrays.equals(p.shape(), t.shape())) {
                        throw new AnchorException(out.resolve(DIR).resolve(e.getKey()) + " does not fit this run's model (" + k + ": "
                                + (p == null ? "no such parameter" : java.util.Arrays.toString(t.shape()) + " saved, " + java.util.Arrays.toString(p.shape()) + " now")
                                + "); give a new --out");
                    }
                    p.assign(Nd4j.create(t.data(), t.shape(), 'c'));
                });
            }
            for (var e : parts.optimizers().entrySet()) e.getValue().load(cp.resolve(e.getKey() + ".safetensors"));
            return new Resumed(saved.get("step").asInt(), saved.get("state") instanceof ObjectNode s ? s : null);
        } catch (IOException e) {
            throw new AnchorException("cannot resume from " + cp + ": " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * {@code trainer_state.json}, every field checked: a JSON object whose {@code step} is a whole number &gt;= 0 and
     * whose {@code settings} and {@code state}, where present, are objects. A damaged file is a one-line error naming it.
     */
    static JsonNode readState(Path cp) {
        Path file = cp.resolve(STATE);
        JsonNode saved;
        try {
            saved = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AnchorException(file + " is damaged (not JSON: " + firstLine(e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + "); delete the checkpoint or give a new --out", e);
        }
        String bad = saved == null || !saved.isObject() ? "not a JSON object"
                : !saved.path("step").canConvertToInt() || !saved.path("step").isIntegralNumber() ? "\"step\" is not a whole number"
                : saved.get("step").asInt() < 0 ? "\"step\" is " + saved.get("step").asInt() + ", below 0"
                : saved.has("settings") && !saved.get("settings").isObject() ? "\"settings\" is not an object"
                : saved.has("state") && !saved.get("state").isObject() ? "\"state\" is not an object" : null;
        if (bad != null) throw new AnchorException(file + " is damaged (" + bad + "); delete the checkpoint or give a new --out");
        return saved;
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The first setting (in the saved order, then new ones) whose value differs, as "beta: 0.1 then, 0.2 now"; null if none. */
    static String difference(JsonNode then, JsonNode now) {
        Set<String> keys = new LinkedHashSet<>();
        then.fieldNames().forEachRemaining(keys::add);
        now.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            JsonNode a = then.get(k), b = now.get(k);
            if (a == null ? b != null : !a.equals(b)) return k + ": " + (a == null ? "absent" : a) + " then, " + (b == null ? "absent" : b) + " now";
        }
        return null;
    }

    /**
     * A save killed mid-swap left its complete checkpoint under another name: make it {@code checkpoint} again, so the
     * next save's clean-up of {@code checkpoint.tmp} or {@code checkpoint.old} cannot touch the only complete copy.
     */
    private static Path promote(Path out, Path complete) {
        Path dest = out.resolve(DIR);
        try {
            deleteCheckpoint(dest);                                   // an incomplete one (it has no trainer_state.json)
            Files.move(complete, dest, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(out);
            return dest;
        } catch (IOException e) {
            throw new AnchorException("cannot restore the checkpoint " + complete + " to " + dest + ": " + e.getMessage(), e);
        }
    }

    /** The complete checkpoint directory in {@code out}, or null. */
    static Path complete(Path out) {
        for (String d : new String[]{DIR, TMP, OLD}) {
            if (Files.exists(out.resolve(d).resolve(STATE))) return out.resolve(d);
        }
        return null;
    }

    private static void forceAll(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) force(p);
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isDirectory).toList()) forceDirectory(p);
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.force(true);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened for fsync; the rename is still atomic
        }
    }

    /** Deletes a checkpoint directory, its completeness mark first: a kill mid-way never leaves a "complete" half. */
    static void deleteCheckpoint(Path p) throws IOException {
        if (!Files.exists(p)) return;
        if (Files.deleteIfExists(p.resolve(STATE))) {
            forceDirectory(p);
            fileOp();
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
                fileOp();
            }
        }
    }
}
