package anchor.course;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grade in the formats course tools read: Gradescope's autograder {@code results.json} (a total {@code score} and
 * {@code tests[]} with {@code name}, {@code score}, {@code max_score}, {@code output}), JUnit XML (one
 * {@code TEST-exercise-N.xml} per exercise, as Surefire writes them) and a plain table for the terminal.
 */
public final class GradeReports {
    private GradeReports() {
    }

    public static double score(List<Grader.Item> items) {
        return items.stream().mapToDouble(Grader.Item::score).sum();
    }

    public static double maxScore(List<Grader.Item> items) {
        return items.stream().mapToDouble(Grader.Item::maxScore).sum();
    }

    public static void gradescope(List<Grader.Item> items, Path file) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("score", round(score(items)));
        root.put("output", String.format(Locale.ROOT, "%s of %s points", number(score(items)), number(maxScore(items))));
        root.put("tests", items.stream().map(i -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", i.exercise().id() + " " + i.exercise().title() + ": " + i.name());
            t.put("number", i.exercise().id());
            t.put("score", round(i.score()));
            t.put("max_score", round(i.maxScore()));
            t.put("output", i.output());
            t.put("visibility", "visible");
            return t;
        }).toList());
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    public static void junit(List<Grader.Item> items, Path dir) {
        try {
            Files.createDirectories(dir);
            for (Exercise e : items.stream().map(Grader.Item::exercise).distinct().toList()) {
                List<Grader.Item> own = items.stream().filter(i -> i.exercise().equals(e)).toList();
                long failures = own.stream().filter(i -> !i.passed()).count();
                StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                x.append(String.format(Locale.ROOT, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\">%n",
                        xml("exercise " + e.id() + " " + e.title()), own.size(), failures));
                for (Grader.Item i : own) {
                    x.append(String.format(Locale.ROOT, "  <testcase classname=\"%s\" name=\"%s\"", xml("exercise." + e.id()), xml(i.name())));
                    if (i.passed()) {
                        x.append("/>\n");
                    } else {
                        String first = i.output().lines().findFirst().orElse("failed");
                        x.append(">\n    <failure message=\"").append(xml(first)).append("\">").append(xml(i.output())).append("</failure>\n  </testcase>\n");
                    }
                }
                x.append("</testsuite>\n");
                Files.writeString(dir.resolve("TEST-exercise-" + e.id() + ".xml"), x.toString());
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** One line per item and the total, for the terminal. */
    public static String table(List<Grader.Item> items) {
        StringBuilder sb = new StringBuilder();
        for (Grader.Item i : items) {
            sb.append(String.format(Locale.ROOT, "%-6s %-7s %5s/%-5s %s%n", i.exercise().id(), i.passed() ? "OK" : "NOT OK",
                    number(i.score()), number(i.maxScore()), i.name()));
            if (!i.passed()) sb.append(i.output().indent(8));
        }
        sb.append(String.format(Locale.ROOT, "score: %s of %s points%n", number(score(items)), number(maxScore(items))));
        return sb.toString();
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    private static String number(double v) {
        double r = round(v);
        return r == Math.rint(r) ? String.valueOf((long) r) : String.format(Locale.ROOT, "%.2f", r);
    }

    static String xml(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') sb.append(c);
                }
            }
        }
        return sb.toString();
    }
}
