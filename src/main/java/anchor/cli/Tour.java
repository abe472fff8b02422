package anchor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The tour's printer: each line is one of our numbers beside the document's (or a measurement the document lacks). */
final class Tour {
    /** One printed comparison. {@code document} is null where the document prints no number. */
    record Line(String chapter, String what, String document, String ours, boolean ok) {
    }

    private final PrintWriter out;
    private final List<Line> lines = new ArrayList<>();
    private String chapter = "";

    Tour(PrintWriter out) {
        this.out = out;
    }

    void chapter(String name, String title, String source) {
        chapter = name;
        out.printf("%n== %s%n   (%s)%n", title, source);
    }

    void check(String what, String document, String ours, boolean ok) {
        lines.add(new Line(chapter, what, document, ours, ok));
        out.printf("  [%s] %-52s ours %-30s document %s%n", ok ? "OK" : "DIFFERS", what, ours, document == null ? "(prints none)" : document);
    }

    /** A measurement with no document value to compare against. */
    void measured(String what, String ours) {
        lines.add(new Line(chapter, what, null, ours, true));
        out.printf("  [--] %-52s ours %s%n", what, ours);
    }

    void note(String text) {
        out.println("       " + text);
    }

    List<Line> lines() {
        return lines;
    }

    long differing() {
        return lines.stream().filter(l -> !l.ok()).count();
    }
}
