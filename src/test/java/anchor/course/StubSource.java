package anchor.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The text that is compiled for one exercise: the student's file, except that the methods of <em>other</em> exercises
 * sharing the file (6.1 and 6.2 both live in {@code PpoMath}) take their bodies from the solution, when there is one —
 * so exercise 6.1 is tried and graded on its own methods alone. Line numbers of the student's text are kept.
 */
public final class StubSource {
    private StubSource() {
    }

    public static String of(Exercise e, Path studentFile, Path solutionFile, Path stubFile, List<Exercise> table) {
        String student = read(studentFile);
        List<Exercise> sharing = table.stream().filter(o -> !o.id().equals(e.id()) && o.stub().equals(e.stub())).toList();
        if (sharing.isEmpty() || !Files.isRegularFile(solutionFile) || !Files.isRegularFile(stubFile)) return student;
        String stub = read(stubFile);
        List<String> others = JavaMethods.of(stub).stream()
                .filter(m -> sharing.stream().anyMatch(o -> o.owns(m.body(stub))))
                .map(JavaMethods.Method::key).toList();
        return JavaMethods.fill(student, read(solutionFile), m -> others.contains(m.key()));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
