package anchor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The tour's printer. Four kinds of line: one of our numbers beside the number the document prints ({@link #check},
 * counted in "differ from the document"); a check against a bar Anchor sets itself, such as an identity or an
 * independent implementation's tolerance ({@link #bar}, counted apart); a measurement the document lacks
 * ({@link #measured}); and a claim of the document that the experiment does not bear out ({@link #slip}: printed as
 * such, not a failure of Anchor's — the chapter explains it).
 */
final class Tour {
    enum Kind { DOCUMENT, ANCHORS_BAR, MEASURED, SLIP }

    /** One printed comparison. {@code document} is null where the document prints no number. */
    record Line(String chapter, Kind kind, String what, String document, String ours, boolean ok) {
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

    /** Our number beside the number the document prints. */
    void check(String what, String document, String ours, boolean ok) {
        lines.add(new Line(chapter, Kind.DOCUMENT, what, document, ours, ok));
        out.printf("  [%s] %-52s ours %-30s document %s%n", ok ? "OK" : "DIFFERS", what, ours, document);
    }

    /** Our number against a bar Anchor sets itself (an identity, a tolerance against an independent implementation). */
    void bar(String what, String bar, String ours, boolean ok) {
        lines.add(new Line(chapter, Kind.ANCHORS_BAR, what, null, ours, ok));
        out.printf("  [%s] %-52s ours %-30s Anchor's bar %s%n", ok ? "OK" : "MISSED", what, ours, bar);
    }

    /** A measurement with no document value to compare against. */
    void measured(String what, String ours) {
        lines.add(new Line(chapter, Kind.MEASURED, what, null, ours, true));
        out.printf("  [--] %-52s ours %s%n", what, ours);
    }

    /** A claim of the document tested by experiment; {@code holds} false prints SLIP (the chapter says why). */
    void slip(String what, String claim, String ours, boolean holds) {
        lines.add(new Line(chapter, Kind.SLIP, what, claim, ours, holds));
        out.printf("  [%s] %-52s ours %-30s document claims %s%n", holds ? "OK" : "SLIP", what, ours, claim);
    }

    void note(String text) {
        out.println("       " + text);
    }

    List<Line> lines() {
        return lines;
    }

    /** Lines of one kind, and how many of them are not OK. */
    long count(Kind kind) {
        return lines.stream().filter(l -> l.kind() == kind).count();
    }

    long notOk(Kind kind) {
        return lines.stream().filter(l -> l.kind() == kind && !l.ok()).count();
    }
}
