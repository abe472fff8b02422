package anchor.course;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Grades a submission: for each exercise, the student's stub alone is compiled against the instructor's build and put
 * first on the classpath of a JVM of its own, which runs the exercise's tests and the full-suite tests it is graded
 * with, under a time limit. Each exercise-test method is one graded item, each graded-with class another; the
 * exercise's points are split evenly over its items. A missing file or a compiler error scores 0 on that exercise
 * (with the reason) and the others are still graded.
 */
public final class Grader {
    /** One graded item: which exercise, what it checks, its score out of its maximum, and why it lost points. */
    public record Item(Exercise exercise, String name, double score, double maxScore, String output) {
        public boolean passed() {
            return score == maxScore;
        }
    }

    /** What an item runs: a test class, and one of its methods or (null) all of them. */
    private record Check(String testClass, String method) {
        String label() {
            String simple = testClass.substring(testClass.lastIndexOf('.') + 1);
            return method == null ? simple + " (all tests)" : simple + "." + method;
        }
    }

    private final Project project;
    private final TestJvm jvm;
    private final Duration limit;

    public Grader(Project project, Duration limit) {
        this.project = project;
        this.jvm = new TestJvm(project);
        this.limit = limit;
    }

    /** The student's file for {@code e} in a submission: {@code SUBMISSION/exercises/<stub>} or {@code SUBMISSION/<stub>}. */
    public static Path submitted(Path submission, Exercise e) {
        Path inHandout = submission.resolve("exercises").resolve(e.stub());
        return Files.isRegularFile(inHandout) ? inHandout : submission.resolve(e.stub());
    }

    public List<Item> grade(Path submission, List<Exercise> exercises) {
        List<Item> out = new ArrayList<>();
        for (Exercise e : exercises) out.addAll(grade(e, submitted(submission, e)));
        return out;
    }

    /** The items of one exercise, graded on {@code studentFile}. */
    public List<Item> grade(Exercise e, Path studentFile) {
        List<Check> checks = checks(e);
        if (checks.isEmpty()) throw new IllegalArgumentException("exercise " + e.id() + " has no tests to grade with");
        double each = e.points() / checks.size();
        String display = "exercises/" + e.stub();
        if (!Files.isRegularFile(studentFile)) return all(e, checks, each, "not submitted: no " + display);
        Path classes = project.work().resolve("grade").resolve(e.id());
        String text = StubSource.of(e, studentFile, project.solution(e), project.stub(e), project.table());
        StubCompiler.Result compiled = StubCompiler.compile(e, text, display, classes, project.classes() + java.io.File.pathSeparator + project.dependencies());
        if (!compiled.ok()) return all(e, checks, each, "does not compile:\n" + compiled.messages());
        TestJvm.Outcome run = jvm.run(e, classes, display, e.allTests(), limit, false);
        List<Item> out = new ArrayList<>();
        for (Check c : checks) {
            List<TestJvm.Row> rows = run.rows().stream().filter(r -> r.className().equals(c.testClass())
                    && (c.method() == null || r.method().isEmpty() || r.method().equals(c.method()))).toList();
            boolean anyFailed = rows.stream().anyMatch(r -> !r.ok());
            boolean anyRan = rows.stream().anyMatch(TestJvm.Row::ok);
            String why;
            if (anyFailed) {
                StringBuilder sb = new StringBuilder();
                for (TestJvm.Row r : rows) if (!r.ok()) sb.append("NOT OK  ").append(r.name()).append('\n').append(r.output().indent(8));
                why = sb.toString().stripTrailing();
            } else if (!anyRan) {
                why = run.timedOut() ? "stopped: the tests ran past the time limit of " + limit.toSeconds() + " s"
                        : "did not run (the test JVM exited with status " + run.exit() + "):\n" + tail(run.output());
            } else {
                why = "";
            }
            out.add(new Item(e, c.label(), why.isEmpty() ? each : 0, each, why.isEmpty() ? "passed" : why));
        }
        return out;
    }

    private static List<Item> all(Exercise e, List<Check> checks, double each, String why) {
        return checks.stream().map(c -> new Item(e, c.label(), 0, each, why)).toList();
    }

    /** The exercise's methods one by one (a {@code Class.method} entry is that method), then each graded-with class. */
    private List<Check> checks(Exercise e) {
        List<Check> out = new ArrayList<>();
        for (String t : e.tests()) {
            String sel = jvm.selector(t);
            if (sel.contains("#")) out.add(new Check(sel.substring(0, sel.indexOf('#')), sel.substring(sel.indexOf('#') + 1)));
            else for (String m : testMethods(sel)) out.add(new Check(sel, m));
        }
        for (String t : e.gradedWith()) {
            String sel = jvm.selector(t);
            out.add(sel.contains("#") ? new Check(sel.substring(0, sel.indexOf('#')), sel.substring(sel.indexOf('#') + 1)) : new Check(sel, null));
        }
        return out;
    }

    /** The JUnit test methods a class declares, by name (loaded without initialising the class). */
    static List<String> testMethods(String className) {
        try {
            Class<?> c = Class.forName(className, false, Grader.class.getClassLoader());
            return Arrays.stream(c.getDeclaredMethods()).filter(Grader::isTest).map(Method::getName).distinct()
                    .sorted(Comparator.naturalOrder()).toList();
        } catch (ClassNotFoundException x) {
            throw new IllegalArgumentException("no test class " + className, x);
        }
    }

    private static boolean isTest(Method m) {
        for (Annotation a : m.getAnnotations()) {
            String n = a.annotationType().getName();
            if (n.equals("org.junit.jupiter.api.Test") || n.equals("org.junit.jupiter.params.ParameterizedTest")
                    || n.equals("org.junit.jupiter.api.RepeatedTest") || n.equals("org.junit.jupiter.api.TestFactory")) return true;
        }
        return false;
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
