package anchor.course;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The grader on one submission with a correct exercise (6.4, the solution), an endless loop (6.3), a file that does
 * not compile (6.5), a file that smuggles in a class of its own (2.4) and a missing one (2.5): full marks on the first,
 * 0 with the reason on each of the others, and the same in results.json and JUnit XML. (CI grades the stubs and the
 * solutions in full: .ci/check-grader.)
 */
class GraderTest {
    static final Project PROJECT = Project.here();

    @BeforeAll
    static void instructorsCheckoutOnly() {
        Assumptions.assumeFalse(Files.exists(PROJECT.stubsDir().resolve("HANDOUT")), "a handout has no solutions to grade against");
    }

    @Test
    void gradesEachExerciseOnItsOwn(@TempDir Path sub) throws IOException {
        List<Exercise> table = PROJECT.table();
        Exercise group = Exercise.find(table, "6.4"), controller = Exercise.find(table, "6.3"), bt = Exercise.find(table, "6.5");
        Exercise k3 = Exercise.find(table, "2.4"), drift = Exercise.find(table, "2.5");
        put(sub, group, Files.readString(PROJECT.solution(group)));
        put(sub, controller, Files.readString(PROJECT.stub(controller))
                .replace("throw new UnsupportedOperationException(\"Exercise 6.3: implement KlController.update\");", "while (n >= 0) { n = n | 1; }"));
        put(sub, bt, Files.readString(PROJECT.solution(bt)).replace("double d = chosen", "double d = = chosen"));
        put(sub, k3, Files.readString(PROJECT.solution(k3)) + "\nclass Helper {\n}\n");

        List<Grader.Item> items = new Grader(PROJECT, Duration.ofSeconds(40)).grade(sub, List.of(group, controller, bt, k3, drift));

        assertThat(items.stream().filter(i -> i.exercise() == group)).allMatch(Grader.Item::passed).hasSize(4);
        assertThat(sum(items, group)).isEqualTo(group.points());
        assertThat(items.stream().filter(i -> i.exercise() == controller)).as("the endless loop").allMatch(i -> i.score() == 0)
                .allMatch(i -> i.output().contains("time limit"));
        assertThat(items.stream().filter(i -> i.exercise() == bt)).as("the compile error").allMatch(i -> i.score() == 0)
                .allMatch(i -> i.output().contains("does not compile") && i.output().contains("exercises/anchor/reward/BradleyTerry.java:"));
        assertThat(items.stream().filter(i -> i.exercise() == k3)).as("a class of its own").allMatch(i -> i.score() == 0)
                .allMatch(i -> i.output().contains("anchor.kl.Helper"));
        assertThat(items.stream().filter(i -> i.exercise() == drift)).as("not submitted").allMatch(i -> i.score() == 0)
                .allMatch(i -> i.output().startsWith("not submitted"));

        Path json = sub.resolve("out/results.json"), junit = sub.resolve("out/junit");
        GradeReports.gradescope(items, json);
        GradeReports.junit(items, junit);
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        assertThat(r.get("score").asDouble()).isEqualTo(group.points());
        assertThat(r.get("tests")).hasSize(items.size());
        double max = 0;
        for (JsonNode t : r.get("tests")) {
            assertThat(t.has("name") && t.has("score") && t.has("max_score") && t.has("output")).isTrue();
            max += t.get("max_score").asDouble();
        }
        assertThat(max).isCloseTo(group.points() + controller.points() + bt.points() + k3.points() + drift.points(), org.assertj.core.api.Assertions.within(1e-3));
        String xml = Files.readString(junit.resolve("TEST-exercise-6.5.xml"));
        assertThat(xml).contains("<testsuite name=\"exercise 6.5").contains("failures=\"" + items.stream().filter(i -> i.exercise() == bt).count() + "\"");
        assertThat(Files.readString(junit.resolve("TEST-exercise-6.4.xml"))).contains("failures=\"0\"");
    }

    static void put(Path sub, Exercise e, String text) throws IOException {
        Path f = sub.resolve(e.stub());
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    static double sum(List<Grader.Item> items, Exercise e) {
        return items.stream().filter(i -> i.exercise() == e).mapToDouble(Grader.Item::score).sum();
    }
}
