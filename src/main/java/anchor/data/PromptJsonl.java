package anchor.data;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A prompt-only dataset in TRL's JSONL format: one object a line with a text field {@code prompt}. */
public final class PromptJsonl {
    private PromptJsonl() {
    }

    public static List<String> read(Path file) {
        List<String> lines = Utf8Lines.read(file);
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode n;
            try {
                n = json.readTree(lines.get(i));
            } catch (IOException e) {
                throw new AnchorException(file + ", line " + (i + 1) + ": not valid JSON");
            }
            if (n == null || !n.path("prompt").isTextual() || n.get("prompt").asText().isEmpty()) {
                throw new AnchorException(file + ", line " + (i + 1) + ": needs a non-empty text field \"prompt\"");
            }
            out.add(n.get("prompt").asText());
        }
        if (out.isEmpty()) throw new AnchorException(file + ": no prompts");
        return out;
    }
}
