package anchor.course;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./exercise}: the student's loop ({@code list}, {@code status}, {@code N}) and the instructor's tools
 * ({@code grade}, {@code handout}). Each exercise's stub is compiled alone against the built solutions and its tests
 * run in a JVM of their own; see {@code exercises/README.md} and {@code exercises/INSTRUCTORS.md}.
 */
public final class Course {
    static final String USAGE = """
            usage: ./exercise N [--full]        compile your stub of exercise N alone and run its tests (--full: and the
                                                full-suite tests it is graded with)
                   ./exercise status            every exercise: PASS, FAIL (n tests) or DOES NOT COMPILE; exit 1 unless all pass
                   ./exercise list              the exercises, their stubs, tests and points
                   ./exercise grade SUBMISSION [--json FILE] [--junit DIR] [--only 6.1,6.2] [--timeout SECONDS]
                                                grade a student's stubs (SUBMISSION/exercises/... or SUBMISSION/...)
                   ./exercise handout DIR [--only 6.1,6.2]
                                                write a student repository without the chosen exercises' solutions
                   ./exercise mutation [--only 6.1] [--write]
                                                the mutation table from PIT's reports (bench/mutation makes them);
                                                --write puts it into exercises/README.md (rows without reports stay as they were)""";

    private Course() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(Project.here(), args);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            System.err.println("exercise: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int run(Project project, String[] args) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println(USAGE);
            return 0;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        List<Exercise> table = handedOut(project);
        return switch (args[0]) {
            case "list" -> list(table);
            case "status" -> status(project, table, option(rest, "--timeout", "300"));
            case "grade" -> grade(project, table, rest);
            case "mutation" -> {
                boolean write = rest.remove("--write");
                List<Exercise> only = select(table, option(rest, "--only", ""));
                // the README keeps every row: what was not re-measured stays as it was measured before
                String text = MutationTable.table(project, write ? table : only, MutationTable.current(project.readme()));
                System.out.print(text);
                if (write) MutationTable.writeInto(project.readme(), text);
                yield 0;
            }
            case "handout" -> {
                String only = option(rest, "--only", "");
                if (rest.size() != 1) throw new IllegalArgumentException("handout needs one DIR (./exercise handout DIR [--only 6.1,6.2])");
                Handout.write(project, Path.of(rest.get(0)), select(table, only));
                System.out.println("handout written to " + rest.get(0));
                yield 0;
            }
            default -> {
                boolean full = rest.remove("--full");
                String timeout = option(rest, "--timeout", "600");
                if (!rest.isEmpty()) throw new IllegalArgumentException("unknown option " + rest.get(0) + " (./exercise --help)");
                yield Trial.run(project, table, Exercise.find(table, args[0]), full, seconds(timeout));
            }
        };
    }

    /** The exercises of the table whose stub is in this checkout's exercises/ (all of them, or a handout's). */
    static List<Exercise> handedOut(Project project) {
        return project.table().stream().filter(e -> Files.isRegularFile(project.stub(e))).toList();
    }

    private static int list(List<Exercise> table) {
        for (Exercise e : table) {
            System.out.printf(Locale.ROOT, "%-5s %-45s %4s pt  exercises/%-35s %s%n", e.id(), e.title(),
                    e.points() == Math.rint(e.points()) ? String.valueOf((long) e.points()) : String.valueOf(e.points()), e.stub(), String.join(", ", e.tests()));
        }
        return 0;
    }

    private static int status(Project project, List<Exercise> table, String timeout) {
        int pass = 0;
        for (Exercise e : table) {
            Trial.Verdict v = Trial.quiet(project, table, e, seconds(timeout));
            if (v.passed()) pass++;
            System.out.printf(Locale.ROOT, "%-5s %-45s %s%n", e.id(), e.title(), v.text());
        }
        System.out.printf(Locale.ROOT, "%d of %d exercises pass%n", pass, table.size());
        return pass == table.size() ? 0 : 1;
    }

    private static int grade(Project project, List<Exercise> table, List<String> rest) {
        String json = option(rest, "--json", ""), junit = option(rest, "--junit", ""), only = option(rest, "--only", "");
        String timeout = option(rest, "--timeout", "300");
        if (rest.size() != 1) throw new IllegalArgumentException("grade needs one SUBMISSION directory (./exercise --help)");
        Path submission = Path.of(rest.get(0));
        if (!Files.isDirectory(submission)) throw new IllegalArgumentException("no submission directory " + submission);
        List<Grader.Item> items = new Grader(project, seconds(timeout)).grade(submission, select(table, only));
        System.out.print(GradeReports.table(items));
        if (!json.isEmpty()) GradeReports.gradescope(items, Path.of(json));
        if (!junit.isEmpty()) GradeReports.junit(items, Path.of(junit));
        return items.stream().allMatch(Grader.Item::passed) ? 0 : 1;
    }

    static List<Exercise> select(List<Exercise> table, String only) {
        if (only.isBlank()) return table;
        List<Exercise> out = new ArrayList<>();
        for (String id : only.split(",")) out.add(Exercise.find(table, id.strip()));
        return out;
    }

    /** Removes {@code name VALUE} from {@code rest} and returns VALUE, or {@code fallback} when absent. */
    static String option(List<String> rest, String name, String fallback) {
        int i = rest.indexOf(name);
        if (i < 0) return fallback;
        if (i + 1 >= rest.size()) throw new IllegalArgumentException(name + " needs a value");
        String v = rest.get(i + 1);
        rest.remove(i + 1);
        rest.remove(i);
        return v;
    }

    static Duration seconds(String s) {
        try {
            long v = Long.parseLong(s);
            if (v <= 0) throw new NumberFormatException();
            return Duration.ofSeconds(v);
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException("--timeout needs a positive number of seconds, not '" + s + "'");
        }
    }
}
