package anchor.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One row of the table in {@code exercises/README.md}: the exercise's id and title, its stub (a path under
 * {@code exercises/} and {@code src/main/java/}), its exercise tests ({@code Class} or {@code Class.method}, what
 * {@code ./exercise N} runs), the further tests it is graded with (classes of the full suite that use the contract),
 * its points and where to read.
 */
public record Exercise(String id, String title, String stub, List<String> tests, List<String> gradedWith, double points, String reading) {

    private static final Pattern ROW = Pattern.compile("^\\| (\\d+\\.\\d+) .*");

    /** Every exercise of the table, in its order. */
    public static List<Exercise> table(Path readme) {
        List<Exercise> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(readme)) {
                if (!ROW.matcher(line).matches()) continue;
                String[] c = line.split("\\|", -1);
                if (c.length < 8) throw new IllegalArgumentException("a row of " + readme + " needs 6 columns: " + line);
                String head = c[1].strip();
                String id = head.split(" ", 2)[0];
                out.add(new Exercise(id, head.substring(id.length()).strip(), plain(c[2]), list(c[3]), list(c[4]),
                        Double.parseDouble(plain(c[5])), c[6].strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The exercise with this id, or an {@link IllegalArgumentException} naming the ones there are. */
    public static Exercise find(List<Exercise> table, String id) {
        return table.stream().filter(e -> e.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no exercise '" + id + "' (the exercises: " + String.join(", ", table.stream().map(Exercise::id).toList()) + ")"));
    }

    /** The class the stub defines, e.g. {@code anchor.ppo.PpoMath}. */
    public String className() {
        return stub.replaceAll("\\.java$", "").replace('/', '.');
    }

    /** The stub's file name without its folders, e.g. {@code PpoMath.java}. */
    public String fileName() {
        return Path.of(stub).getFileName().toString();
    }

    /** True when {@code body} (a method body of the stub) is this exercise's: it throws "Exercise ID: …". */
    public boolean owns(String body) {
        return body.toLowerCase(Locale.ROOT).contains("exercise " + id + ":");
    }

    /** All exercise tests and graded-with tests, in that order. */
    public List<String> allTests() {
        List<String> all = new ArrayList<>(tests);
        all.addAll(gradedWith);
        return all;
    }

    private static String plain(String cell) {
        return cell.replace("`", "").strip();
    }

    private static List<String> list(String cell) {
        String s = plain(cell);
        if (s.isEmpty() || s.equals("—") || s.equals("-")) return List.of();
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
