package anchor.course;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bugs students make, each planted in a copy of the solution and tried the way a student tries it — {@code ./exercise
 * N}: the exercise's own tests must fail on every one (and pass on the solution itself). Each row is one bug:
 * exercise, the text of the solution, what the student wrote instead.
 */
class NamedBugsTest {
    static final Project PROJECT = Project.here();
    static final List<Exercise> TABLE = PROJECT.table();

    @BeforeAll
    static void instructorsCheckoutOnly() {
        Assumptions.assumeFalse(java.nio.file.Files.exists(PROJECT.stubsDir().resolve("HANDOUT")), "a handout has no solutions to check against");
    }

    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            6.2 | boolean useClipped = clipped > unclipped; | boolean useClipped = clipped >= unclipped; | in-band tokens take the clipped branch: gradient 0, PPO never learns
            6.2 | boolean useClipped = clipped > unclipped; | boolean useClipped = clipped < unclipped; | min for max: the optimistic bound
            6.2 | useClipped ? 0 : -advantage * ratio | -advantage * ratio | the clipped branch leaks a gradient
            6.2 | return new ValueLoss(0.5 * Math.max(l1, l2), useClipped ? 0 : value - ret, useClipped); | return new ValueLoss(0.5 * Math.max(l1, l2), value - ret, useClipped); | the clipped value branch leaks a gradient
            6.1 | r[scoreAt] += score; | r[kl.length - 1] += score; | the score on the last slot, not on scoreAt
            6.1 | double next = t + 1 < values.length ? values[t + 1] : 0; | double next = t + 1 < values.length ? values[t + 1] : values[t]; | bootstraps past the last token
            2.2 | if (mask[b][t] == 0) continue; | if (batch.mask()[b][t] == 0) continue; | a mask from the context token only (right padding)
            2.2 | if (mask[b][t] == 0) continue; | if (batch.mask()[b][t + 1] == 0) continue; | a mask from the target token only (left padding)
            2.6 | sum += Math.exp((logits[offset + k] - max) / temperature); | sum += Math.exp(logits[offset + k] - max); | the normaliser not divided by T
            2.6 | return (logits[offset + target] - max) / temperature - Math.log(sum); | return logits[offset + target] - max - Math.log(sum); | the target logit not divided by T
            2.6 | return -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)))); | return Math.log(1 / (1 + Math.exp(-x))); | log σ as a log of σ (−∞ at x = −800, 0 at x = 40)
            6.5 | double d = chosen - rejected - margin | double d = chosen - rejected + margin | the margin added instead of subtracted
            """)
    void theExerciseTestsCatchIt(String id, String solutionText, String buggyText, String bug) {
        Exercise e = Exercise.find(TABLE, id);
        String solution = StubSource.read(PROJECT.solution(e));
        assertThat(solution).as("the solution still contains the line this bug changes").contains(solutionText);
        TestJvm.Outcome run = tryExercise(e, solution.replace(solutionText, buggyText), "bug-" + id + "-" + Math.abs(bug.hashCode()));
        assertThat(run.timedOut()).as("timed out").isFalse();
        assertThat(run.rows()).as("tests ran").isNotEmpty();
        assertThat(run.rows().stream().anyMatch(r -> !r.ok())).as("./exercise %s catches: %s%n%s", id, bug, run.output()).isTrue();
    }

    @Test
    void theSameTestsPassOnTheSolutions() {
        for (String id : List.of("2.2", "2.6", "6.1", "6.2", "6.5")) {
            Exercise e = Exercise.find(TABLE, id);
            TestJvm.Outcome run = tryExercise(e, StubSource.read(PROJECT.solution(e)), "solution-" + id);
            assertThat(run.exit()).as("exercise %s on its solution:%n%s", id, run.output()).isZero();
        }
    }

    static TestJvm.Outcome tryExercise(Exercise e, String text, String name) {
        Path out = PROJECT.work().resolve("named-bugs").resolve(name);
        StubCompiler.Result compiled = StubCompiler.compile(e, text, "exercises/" + e.stub(), out, PROJECT.classes() + File.pathSeparator + PROJECT.dependencies());
        assertThat(compiled.ok()).as("compiles: %s", compiled.messages()).isTrue();
        return new TestJvm(PROJECT).run(e, out, "exercises/" + e.stub(), e.tests(), Duration.ofMinutes(3), false);
    }
}
