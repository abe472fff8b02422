package anchor.train;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.safetensors.DType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A training checkpoint in {@code out/checkpoint}: the model in Hugging Face files ({@code model/}), the optimizer's
 * state ({@code optimizer.safetensors}) and {@code trainer_state.json} (the step, and the settings the run was started
 * with). Written to {@code checkpoint.tmp} and moved into place in one rename, so a run killed mid-write leaves the
 * previous checkpoint whole.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void save(Path out, Gpt2Model model, Optimizer opt, int step, ObjectNode settings) {
        try {
            Files.createDirectories(out);
            Path tmp = out.resolve("checkpoint.tmp");
            deleteRecursively(tmp);
            HfCheckpoint.save(model.weights(), tmp.resolve("model"), DType.F32);
            opt.save(tmp.resolve("optimizer.safetensors"));
            ObjectNode state = JSON.createObjectNode().put("step", step);
            if (settings != null) state.set("settings", settings);
            Files.writeString(tmp.resolve("trainer_state.json"), state.toString());
            Path dest = out.resolve("checkpoint");
            deleteRecursively(dest);
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new AnchorException("cannot write checkpoint to " + out + ": " + e.getMessage(), e);
        }
    }

    /** The step stored in {@code out/checkpoint} (0 if there is none); a stored checkpoint is loaded into model and optimizer. */
    public static int resume(Path out, Gpt2Model model, Optimizer opt, ObjectNode settings) {
        Path cp = out.resolve("checkpoint");
        if (!Files.exists(cp.resolve("trainer_state.json"))) return 0;
        try {
            var state = JSON.readTree(cp.resolve("trainer_state.json").toFile());
            // compared as written (a long read back is an int node): same text, same settings
            if (settings != null && state.has("settings") && !state.get("settings").equals(JSON.readTree(settings.toString()))) {
                throw new AnchorException(cp + " was written by a run with other settings (" + state.get("settings")
                        + "); resume with the same settings, or give a new --out");
            }
            var w = HfCheckpoint.load(cp.resolve("model"));
            w.tensors().forEach((k, t) -> model.parameters().get(k).assign(Nd4j.create(t.data(), t.shape(), 'c')));
            opt.load(cp.resolve("optimizer.safetensors"));
            return state.path("step").asInt();
        } catch (IOException e) {
            throw new AnchorException("cannot resume from " + cp + ": " + e.getMessage(), e);
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
