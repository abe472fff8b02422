package anchor.course;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A handout of every exercise: no solution body of an exercise appears anywhere in it (method bodies compared after
 * normalising whitespace and names), it compiles with the stubs in place of the solutions, and a handout of one of
 * two exercises sharing a file keeps the other's solution. (CI also builds a handout and runs {@code ./exercise status}
 * there: every exercise fails.)
 */
class HandoutTest {
    static final Project PROJECT = Project.here();

    @BeforeAll
    static void instructorsCheckoutOnly() {
        Assumptions.assumeFalse(java.nio.file.Files.exists(PROJECT.stubsDir().resolve("HANDOUT")), "a handout has no solutions to check against");
    }

    @Test
    void noSolutionBodyOfAnExerciseIsLeftAndTheHandoutCompiles(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("handout");
        List<Exercise> table = PROJECT.table();
        Handout.write(PROJECT, dir, table);
        Project out = new Project(dir);
        assertThat(dir.resolve("exercises/HANDOUT")).exists();
        assertThat(dir.resolve(".git")).doesNotExist();
        assertThat(dir.resolve("target")).doesNotExist();
        for (Exercise e : table) {
            assertThat(out.solution(e)).as("no solution of %s", e.id()).doesNotExist();
            assertThat(out.stub(e)).as("the stub of %s", e.id()).exists();
        }
        Map<String, String> answers = answers(table);
        assertThat(answers).as("answers found").hasSizeGreaterThanOrEqualTo(table.size());
        List<String> leaks = new ArrayList<>();
        List<Path> javaFiles;
        try (Stream<Path> s = Files.walk(dir)) {
            javaFiles = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : javaFiles) {
            String src = Files.readString(f);
            for (JavaMethods.Method m : JavaMethods.of(src)) {
                String where = answers.get(JavaMethods.normalized(m.body(src)));
                if (where != null) leaks.add(dir.relativize(f) + ": " + m.key() + " is the body of " + where);
            }
        }
        assertThat(leaks).as("solution bodies in the handout").isEmpty();
        // the main sources and the stubs compile together, as the handout profile builds them
        List<String> files = new ArrayList<>();
        for (Path f : javaFiles) if (f.startsWith(dir.resolve("src/main/java")) || f.startsWith(dir.resolve("exercises"))) files.add(f.toString());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-nowarn", "-proc:none", "-encoding", "UTF-8", "-d", tmp.resolve("classes").toString(), "-cp", PROJECT.dependencies()));
        args.addAll(files);
        var err = new java.io.ByteArrayOutputStream();
        assertThat(javac.run(null, null, err, args.toArray(String[]::new))).as("the handout compiles:%n%s", err).isZero();
    }

    @Test
    void aHandoutOfOneOfTwoExercisesInAFileKeepsTheOthersSolution(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("h");
        List<Exercise> table = PROJECT.table();
        Handout.write(PROJECT, dir, List.of(Exercise.find(table, "6.2")));
        String stub = Files.readString(dir.resolve("exercises/anchor/ppo/PpoMath.java"));
        assertThat(stub).contains("Exercise 6.2: implement PpoMath.policyLoss").doesNotContain("Exercise 6.1:");
        assertThat(dir.resolve("exercises/anchor/ppo/GroupMath.java")).doesNotExist();
        assertThat(dir.resolve("src/main/java/anchor/ppo/GroupMath.java")).exists();
        assertThat(Exercise.table(dir.resolve("exercises/README.md"))).extracting(Exercise::id).containsExactly("6.2");
        assertThat(stub.lines().count()).as("line numbers kept").isEqualTo(Files.readString(PROJECT.stub(Exercise.find(table, "6.2"))).lines().count());
    }

    @Test
    void aHandoutNeverOverwrites(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Handout.write(PROJECT, tmp, PROJECT.table())).hasMessageContaining("not empty");
        assertThat(Files.readString(tmp.resolve("notes.txt"))).isEqualTo("mine");
    }

    /** Normalised body → "exercise N's Class.method", for every solution method its stub marks as the exercise's. */
    static Map<String, String> answers(List<Exercise> table) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (Exercise e : table) {
            String stub = Files.readString(PROJECT.stub(e)), solution = Files.readString(PROJECT.solution(e));
            Map<String, JavaMethods.Method> solved = new HashMap<>();
            for (JavaMethods.Method m : JavaMethods.of(solution)) solved.put(m.key(), m);
            for (JavaMethods.Method m : JavaMethods.of(stub)) {
                if (!e.owns(m.body(stub))) continue;
                JavaMethods.Method s = solved.get(m.key());
                assertThat(s).as("the solution of %s has %s", e.id(), m.key()).isNotNull();
                out.put(JavaMethods.normalized(s.body(solution)), "exercise " + e.id() + "'s " + e.className() + "." + m.name());
            }
        }
        return out;
    }
}
