package anchor.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where things are in a checkout (or a handout): its root, the built solutions and tests, the test classpath Maven
 * wrote, the exercises' table and stubs. {@link #stubsDir()} is {@code exercises/}; {@link #solution(Exercise)} the
 * solution's file in {@code src/main/java}, absent in a handout for every exercise it hands out.
 */
public record Project(Path root) {

    public static Project here() {
        return new Project(Path.of(System.getProperty("anchor.root", ".")).toAbsolutePath().normalize());
    }

    public Path classes() {
        return root.resolve("target/classes");
    }

    public Path testClasses() {
        return root.resolve("target/test-classes");
    }

    public Path work() {
        return root.resolve("target/exercise-try");
    }

    public Path stubsDir() {
        return root.resolve("exercises");
    }

    public Path readme() {
        return stubsDir().resolve("README.md");
    }

    public List<Exercise> table() {
        return Exercise.table(readme());
    }

    public Path stub(Exercise e) {
        return stubsDir().resolve(e.stub());
    }

    public Path solution(Exercise e) {
        return root.resolve("src/main/java").resolve(e.stub());
    }

    /** The libraries of the test classpath (written by the build into target/test-classpath.txt). */
    public String dependencies() {
        try {
            return Files.readString(root.resolve("target/test-classpath.txt")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no target/test-classpath.txt: build first (./exercise does)", e);
        }
    }
}
