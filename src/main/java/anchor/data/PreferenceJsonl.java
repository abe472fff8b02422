package anchor.data;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TRL's preference JSONL: one object a line with text fields {@code prompt}, {@code chosen}, {@code rejected}
 * (optional numbers {@code chosen_gold}, {@code rejected_gold}: known true rewards).
 */
public final class PreferenceJsonl {
    private PreferenceJsonl() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void write(List<PreferencePair> pairs, Path file) {
        StringBuilder sb = new StringBuilder();
        for (PreferencePair p : pairs) {
            ObjectNode o = JSON.createObjectNode().put("prompt", p.prompt()).put("chosen", p.chosen()).put("rejected", p.rejected());
            if (!Double.isNaN(p.chosenGold())) o.put("chosen_gold", p.chosenGold());
            if (!Double.isNaN(p.rejectedGold())) o.put("rejected_gold", p.rejectedGold());
            sb.append(o).append('\n');
        }
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new AnchorException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the file. Malformed lines are reported with their line numbers, all at once, and nothing else is lost;
     * lines missing a field or with an empty response are reported the same way.
     */
    public static List<PreferencePair> read(Path file) {
        return parse(Utf8Lines.read(file), file.toString());
    }

    /** The pairs in {@code lines}, read from {@code source} (named in errors). */
    public static List<PreferencePair> parse(List<String> lines, String source) {
        List<PreferencePair> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1).strip();     // a byte-order mark, as some editors write
            if (line.isEmpty()) continue;
            try {
                JsonNode o = JSON.readTree(line);
                if (o == null || !o.isObject()) throw new IllegalArgumentException("not a JSON object");
                if (!o.has("prompt") && o.has("chosen") && o.has("rejected")) {
                    throw new IllegalArgumentException("no 'prompt' field (TRL's implicit-prompt format is not read: put the shared prefix in 'prompt')");
                }
                String prompt = text(o, "prompt"), chosen = text(o, "chosen"), rejected = text(o, "rejected");
                if (chosen.isEmpty() || rejected.isEmpty()) throw new IllegalArgumentException("empty response");
                pairs.add(new PreferencePair(prompt, chosen, rejected, o.path("chosen_gold").asDouble(Double.NaN), o.path("rejected_gold").asDouble(Double.NaN)));
            } catch (IOException | IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + (e instanceof IOException ? "not valid JSON" : e.getMessage()));
            }
        }
        if (!problems.isEmpty()) throw new AnchorException(source + ": " + problems.size() + " bad line(s): " + String.join("; ", problems.subList(0, Math.min(10, problems.size()))));
        if (pairs.isEmpty()) throw new AnchorException(source + ": no preference pairs");
        return pairs;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing text field '" + field + "'");
        if (v.isArray() && v.size() > 0 && v.get(0).has("role")) {
            throw new IllegalArgumentException("'" + field + "' is a list of messages (TRL's conversational format); Anchor reads the standard format: apply the chat template to get text first");
        }
        if (!v.isTextual()) throw new IllegalArgumentException("'" + field + "' is " + kind(v) + ", not text");
        return v.asText();
    }

    private static String kind(JsonNode v) {
        return v.isNumber() ? "a number" : v.isBoolean() ? "a boolean" : v.isArray() ? "a list" : v.isObject() ? "an object" : v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** How many pairs have chosen equal to rejected: they carry no preference (DPO's loss is log 2 there, its gradient 0). */
    public static int identical(List<PreferencePair> pairs) {
        int n = 0;
        for (PreferencePair p : pairs) if (p.chosen().equals(p.rejected())) n++;
        return n;
    }

    /** The warning a command prints for such pairs, or null when there are none. */
    public static String identicalWarning(List<PreferencePair> pairs, String source) {
        int n = identical(pairs);
        return n == 0 ? null : "anchor: warning: " + n + " of " + pairs.size() + " pairs in " + source + " have chosen == rejected (no preference: a zero gradient, counted in every mean)";
    }

    /** SHA-256 of the pairs' texts: a changed data file is a different run. */
    public static String fingerprint(List<PreferencePair> data) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (PreferencePair p : data) {
                for (String t : new String[]{p.prompt(), p.chosen(), p.rejected()}) {
                    md.update(t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
