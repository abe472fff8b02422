package anchor.course;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs tests in a JVM of their own, with one student class first on the classpath: {@code anchor.testing.ExerciseRunner}
 * on the tests named as {@code Class} or {@code Class.method} (simple names, found in the built tests). The JVM is
 * stopped, with every process it started, when it runs past its time limit.
 */
public final class TestJvm {
    /** One finished test (or a class that failed as a whole, with an empty method) as the runner reported it. */
    public record Row(String className, String method, String name, boolean ok, String output) {
    }

    /** The JVM's exit status, whether it was stopped at the time limit, what it printed and the tests it finished. */
    public record Outcome(int exit, boolean timedOut, String output, List<Row> rows) {
    }

    private final Project project;
    private final Map<String, String> testClasses;

    public TestJvm(Project project) {
        this.project = project;
        this.testClasses = index(project.testClasses());
    }

    /** {@code Class} → {@code pkg.Class}, {@code Class.method} → {@code pkg.Class#method}; unknown names are refused. */
    public String selector(String test) {
        String cls = test.contains(".") ? test.substring(0, test.indexOf('.')) : test;
        String full = testClasses.get(cls);
        if (full == null) throw new IllegalArgumentException("no test class " + cls + " in " + project.testClasses());
        return test.contains(".") ? full + "#" + test.substring(test.indexOf('.') + 1) : full;
    }

    /**
     * Runs {@code tests} with {@code studentClasses} first on the classpath. With {@code live} the output goes to this
     * terminal as it comes; otherwise it is collected into the outcome.
     */
    public Outcome run(Exercise e, Path studentClasses, String studentPath, List<String> tests, Duration limit, boolean live) {
        try {
            Path dir = studentClasses.resolveSibling(studentClasses.getFileName() + "-run");
            Files.createDirectories(dir);
            Path report = dir.resolve("report.jsonl"), log = dir.resolve("output.txt");
            Files.deleteIfExists(report);
            String cp = String.join(File.pathSeparator, studentClasses.toString(), project.testClasses().toString(),
                    project.classes().toString(), project.dependencies());
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=6G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=11G",
                    "-Danchor.exercises=stub", "-Danchor.exercise.class=" + e.className(),
                    "-Danchor.exercise.stub=" + studentPath, "-Danchor.exercise.report=" + report,
                    "-cp", cp, "anchor.testing.ExerciseRunner"));
            for (String t : tests) cmd.add(selector(t));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.root().toFile()).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "2");
            pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
            if (live) pb.inheritIO();
            else pb.redirectOutput(log.toFile());
            Process p = pb.start();
            boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            String output = live || !Files.exists(log) ? "" : Files.readString(log);
            return new Outcome(done ? p.exitValue() : -1, !done, output, rows(report));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", x);
        }
    }

    private static List<Row> rows(Path report) throws IOException {
        List<Row> out = new ArrayList<>();
        if (!Files.exists(report)) return out;
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(report)) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            out.add(new Row(n.path("class").asText(""), n.path("method").asText(""), n.path("name").asText(""),
                    n.path("ok").asBoolean(false), n.path("output").asText("")));
        }
        return out;
    }

    private static Map<String, String> index(Path testClasses) {
        Map<String, String> out = new HashMap<>();
        if (!Files.isDirectory(testClasses)) return out;
        try (Stream<Path> s = Files.walk(testClasses)) {
            s.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$")).forEach(p -> {
                String rel = testClasses.relativize(p).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                out.putIfAbsent(rel.substring(rel.lastIndexOf('.') + 1), rel);
            });
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return out;
    }
}
