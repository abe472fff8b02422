package anchor.course;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The mutation table of {@code exercises/README.md}, from PIT's reports that {@code bench/mutation} writes to
 * {@code target/pit/<id>-exercise} (the exercise's tests), {@code target/pit/<id>-full} (those and its graded-with
 * tests) and {@code target/pit/<id>-whole} (the whole suite but the course kit's tests, on the mutators of the exercise
 * tests' survivors): for each exercise, the mutants PIT made in the exercise's own methods (the lines of the solution's methods
 * whose stub throws "Exercise N:"), and how many each set of tests killed. A mutant that timed out counts as killed, as PIT counts it.
 */
public final class MutationTable {
    /** One PIT mutant: where, what, and whether the tests killed it. */
    record Mutant(String className, String method, int line, String mutator, String description, boolean killed, boolean crashed) {
    }

    /**
     * Mutants and kills of one exercise under one set of tests; {@code crashed} mutants could not be judged (PIT's test
     * JVM died: RUN_ERROR) and are left out of the percentage; {@code survivors} are the mutants left alive.
     */
    record Score(int mutants, int killed, int crashed, List<Mutant> survivors) {
        String percent() {
            int judged = mutants - crashed;
            String s = judged == 0 ? "—" : String.format(Locale.ROOT, "%d/%d (%.0f %%)", killed, judged, 100.0 * killed / judged);
            return crashed == 0 ? s : s + String.format(Locale.ROOT, "; %d not judged (the test JVM crashed)", crashed);
        }
    }

    private MutationTable() {
    }

    /** The table from the reports alone (a row without reports says "not measured"). */
    public static String table(Project project, List<Exercise> exercises) {
        return table(project, exercises, "");
    }

    /**
     * The table for {@code exercises}; a row whose reports are missing (not re-measured this time) is taken from
     * {@code previous}, the table as the README has it, with its surviving mutants, so a partial run of
     * {@code bench/mutation} updates only what it measured.
     */
    public static String table(Project project, List<Exercise> exercises, String previous) {
        StringBuilder sb = new StringBuilder("| exercise | mutants in its methods | killed by its exercise tests | killed by those and its graded-with tests"
                + " | killed by the whole suite |\n|---|---|---|---|---|\n");
        StringBuilder notes = new StringBuilder();
        for (Exercise e : exercises) {
            Score ex = score(project, e, "exercise"), full = score(project, e, "full");
            List<Mutant> wholeRun = mine(project, e, "whole");
            Score whole = ex == null || wholeRun == null ? null : combined(ex, wholeRun);
            String kept = previousRow(previous, e);
            if (ex == null && full == null && kept != null) {
                sb.append(kept).append('\n');
                for (String line : previous.lines().toList()) if (line.startsWith("- " + e.id() + ": ")) notes.append(line).append('\n');
                continue;
            }
            if (ex == null && full == null) {
                sb.append(String.format(Locale.ROOT, "| **%s** %s | not measured | | | |%n", e.id(), e.title()));
                continue;
            }
            int n = ex != null ? ex.mutants : full.mutants;
            List<String> before = kept == null ? null : cells(kept);                           // a column not re-measured keeps its value
            boolean sameMutants = before != null && before.get(1).equals(Integer.toString(n));
            sb.append(String.format(Locale.ROOT, "| **%s** %s | %d | %s | %s | %s |%n", e.id(), e.title(), n,
                    ex != null ? ex.percent() : sameMutants ? before.get(2) : "not measured",
                    full != null ? full.percent() : sameMutants ? before.get(3) : "not measured",
                    whole != null || !sameMutants ? wholeCell(ex, whole) : before.get(4)));
            if (ex != null) for (Mutant m : ex.survivors) {
                notes.append(String.format(Locale.ROOT, "- %s: %s.%s line %d, %s (%s)%n", e.id(), simple(m.className), m.method, m.line, m.description, m.mutator));
            }
        }
        if (notes.length() > 0) sb.append("\nMutants the exercise tests leave alive:\n\n").append(notes);
        return sb.toString();
    }

    /**
     * The exercise's row in {@code previous}, with its title as the table has it now, and a whole-suite cell added to
     * a row from before that column existed; null when {@code previous} has none.
     */
    static String previousRow(String previous, Exercise e) {
        for (String line : previous.lines().toList()) {
            if (!line.startsWith("| **" + e.id() + "** ")) continue;
            List<String> cells = cells(line);
            if (cells.size() < 4) return null;
            cells.set(0, "**" + e.id() + "** " + e.title());
            if (cells.size() == 4) {
                Matcher m = FRACTION.matcher(cells.get(2));
                cells.add(m.find() && m.group(1).equals(m.group(2)) ? "not needed: its own tests kill all" : "not measured");
            }
            return "| " + String.join(" | ", cells) + " |";
        }
        return null;
    }

    /** A Markdown table row's cells, stripped. */
    private static List<String> cells(String row) {
        List<String> cells = new ArrayList<>(List.of(row.substring(1, row.length() - 1).split("\\|", -1)));
        cells.replaceAll(String::strip);
        return cells;
    }

    private static final Pattern FRACTION = Pattern.compile("(\\d+)/(\\d+)");

    /** The table between the README's markers ("" when it has none). */
    static String current(Path readme) {
        String text = StubSource.read(readme);
        int from = text.indexOf(BEGIN), to = text.indexOf(END);
        return from < 0 || to < from ? "" : text.substring(from + BEGIN.length(), to);
    }

    /**
     * The whole suite's cell: its score where it was run; where the exercise's own tests kill every mutant no suite can
     * kill more, so the whole suite is not run (it takes hours on 2 cores) and the cell says so.
     */
    static String wholeCell(Score exercise, Score whole) {
        if (whole != null) return whole.percent();
        if (exercise != null && exercise.crashed == 0 && exercise.killed == exercise.mutants) return "not needed: its own tests kill all";
        return "not measured";
    }

    static final String BEGIN = "<!-- mutation table: the output of ./exercise mutation after bench/mutation -->";
    static final String END = "<!-- end of the mutation table -->";

    /** Replaces the text between the README's two markers with {@code table}. */
    static void writeInto(Path readme, String table) {
        String text = StubSource.read(readme);
        int from = text.indexOf(BEGIN), to = text.indexOf(END);
        if (from < 0 || to < from) throw new IllegalArgumentException(readme + " has no mutation-table markers");
        try {
            Files.writeString(readme, text.substring(0, from + BEGIN.length()) + "\n" + table + text.substring(to));
        } catch (java.io.IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    /** The score of one run, or null when its report is missing. */
    static Score score(Project project, Exercise e, String kind) {
        List<Mutant> mine = mine(project, e, kind);
        if (mine == null) return null;
        List<Mutant> alive = mine.stream().filter(m -> !m.killed && !m.crashed).toList();
        int crashed = (int) mine.stream().filter(Mutant::crashed).count();
        return new Score(mine.size(), mine.size() - alive.size() - crashed, crashed, alive);
    }

    /** The mutants of one run's report on the exercise's own lines, or null when the report is missing. */
    static List<Mutant> mine(Project project, Exercise e, String kind) {
        Path report = project.root().resolve("target/pit").resolve(e.id() + "-" + kind).resolve("mutations.xml");
        if (!Files.isRegularFile(report)) return null;
        Set<Integer> own = ownLines(project, e);
        return read(report).stream()
                .filter(m -> (m.className.equals(e.className()) || m.className.startsWith(e.className() + "$")) && own.contains(m.line)).toList();
    }

    /**
     * The whole suite's score: the exercise tests' kills (they are in the whole suite), plus each of their survivors
     * that the whole-suite run — PIT on those survivors' mutators only — killed (matched by method, line, mutator and
     * description, one for one).
     */
    static Score combined(Score exercise, List<Mutant> whole) {
        Map<String, Integer> killed = new HashMap<>();
        for (Mutant m : whole) if (m.killed) killed.merge(key(m), 1, Integer::sum);
        List<Mutant> alive = new ArrayList<>();
        for (Mutant m : exercise.survivors) {
            if (killed.getOrDefault(key(m), 0) > 0) killed.merge(key(m), -1, Integer::sum);
            else alive.add(m);
        }
        return new Score(exercise.mutants, exercise.killed + exercise.survivors.size() - alive.size(), exercise.crashed, alive);
    }

    private static String key(Mutant m) {
        return m.className + "." + m.method + ":" + m.line + ":" + m.mutator + ":" + m.description;
    }

    /** The solution's line numbers inside the methods the stub marks as the exercise's ("Exercise N:"). */
    static Set<Integer> ownLines(Project project, Exercise e) {
        String stub = StubSource.read(project.stub(e)), solution = StubSource.read(project.solution(e));
        Set<String> keys = JavaMethods.of(stub).stream().filter(m -> e.owns(m.body(stub))).map(JavaMethods.Method::key).collect(Collectors.toSet());
        Set<Integer> lines = new java.util.HashSet<>();
        for (JavaMethods.Method m : JavaMethods.of(solution)) {
            if (!keys.contains(m.key())) continue;
            int first = lineOf(solution, m.open()), last = lineOf(solution, m.close());
            for (int l = first; l <= last; l++) lines.add(l);
        }
        return lines;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    static List<Mutant> read(Path report) {
        try {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
            NodeList nodes = doc.getElementsByTagName("mutation");
            List<Mutant> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element m = (Element) nodes.item(i);
                String status = m.getAttribute("status");
                out.add(new Mutant(text(m, "mutatedClass"), text(m, "mutatedMethod"), Integer.parseInt(text(m, "lineNumber")),
                        simple(text(m, "mutator")), text(m, "description"), status.equals("KILLED") || status.equals("TIMED_OUT") || status.equals("MEMORY_ERROR"), status.equals("RUN_ERROR")));
            }
            return out;
        } catch (Exception x) {
            throw new IllegalArgumentException("cannot read the PIT report " + report + ": " + x.getMessage(), x);
        }
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().strip();
    }

    private static String simple(String dotted) {
        return dotted.substring(dotted.lastIndexOf('.') + 1);
    }
}
