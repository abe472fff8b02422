package anchor.course;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A student's try of one exercise: the stub in {@code exercises/} compiled alone (errors name the student's file) and
 * its tests run in a JVM of their own, with the compiled class first on the classpath.
 */
final class Trial {
    private Trial() {
    }

    /** PASS, FAIL (n tests), DOES NOT COMPILE or TIMED OUT, for {@code ./exercise status}. */
    record Verdict(boolean passed, String text) {
    }

    /** {@code ./exercise N}: output as it comes; the exit status is 0 when every test passed, 3 when it does not compile. */
    static int run(Project project, List<Exercise> table, Exercise e, boolean full, Duration limit) {
        Path classes = project.work().resolve(e.id());
        StubCompiler.Result compiled = compile(project, table, e, classes);
        if (!compiled.ok()) {
            System.out.print(compiled.messages());
            System.out.println("DOES NOT COMPILE  exercises/" + e.stub());
            return 3;
        }
        TestJvm.Outcome run = new TestJvm(project).run(e, classes, "exercises/" + e.stub(), full ? e.allTests() : e.tests(), limit, true);
        if (run.timedOut()) System.out.println("STOPPED: the tests ran past the time limit of " + limit.toSeconds() + " s (an endless loop?)");
        return run.exit() == 0 ? 0 : 1;
    }

    static Verdict quiet(Project project, List<Exercise> table, Exercise e, Duration limit) {
        Path classes = project.work().resolve(e.id());
        if (!compile(project, table, e, classes).ok()) return new Verdict(false, "DOES NOT COMPILE");
        TestJvm.Outcome run = new TestJvm(project).run(e, classes, "exercises/" + e.stub(), e.tests(), limit, false);
        if (run.timedOut()) return new Verdict(false, "TIMED OUT (" + limit.toSeconds() + " s)");
        long failed = run.rows().stream().filter(r -> !r.ok()).count();
        if (run.exit() == 0 && failed == 0) return new Verdict(true, "PASS");
        return new Verdict(false, failed > 0 ? "FAIL (" + failed + " test(s))" : "FAIL (the tests did not run: exit " + run.exit() + ")");
    }

    private static StubCompiler.Result compile(Project project, List<Exercise> table, Exercise e, Path classes) {
        String text = StubSource.of(e, project.stub(e), project.solution(e), project.stub(e), table);
        return StubCompiler.compile(e, text, "exercises/" + e.stub(), classes, project.classes() + java.io.File.pathSeparator + project.dependencies());
    }
}
