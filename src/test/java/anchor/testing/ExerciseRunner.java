package anchor.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./exercise} runs in a JVM of its own: the named tests ("pkg.Class" or "pkg.Class#method"), one line per
 * test — OK, or NOT OK followed by the whole failure: an assertion's label, expected and actual values as AssertJ wrote
 * them, or an exception's type, message and the line of the student's file it came from. Exit status 1 if any failed
 * (or none ran). System properties: {@code anchor.exercise.class} and {@code anchor.exercise.stub} name the student's
 * class and file; {@code anchor.exercise.report} a file that gets one JSON object per finished test (for the grader).
 */
public final class ExerciseRunner {
    private ExerciseRunner() {
    }

    public static void main(String[] args) throws IOException {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String a : args) {
            selectors.add(a.contains("#") ? DiscoverySelectors.selectMethod(a) : DiscoverySelectors.selectClass(a));
        }
        String studentClass = System.getProperty("anchor.exercise.class", "");
        String studentPath = System.getProperty("anchor.exercise.stub", "");
        String reportPath = System.getProperty("anchor.exercise.report", "");
        PrintWriter report = reportPath.isEmpty() ? null : new PrintWriter(Files.newBufferedWriter(Path.of(reportPath), StandardCharsets.UTF_8), true);
        ObjectMapper json = new ObjectMapper();
        int[] counts = new int[2];                                                    // passed, failed
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                if (!id.isTest() && ok) return;                           // a class that failed as a whole is reported too
                String failure = ok ? "" : FailureReport.of(result.getThrowable().orElse(null), studentClass, studentPath);
                if (ok) {
                    System.out.println("OK      " + id.getDisplayName());
                    counts[0]++;
                } else {
                    System.out.println("NOT OK  " + id.getDisplayName());
                    System.out.println(failure.indent(8).stripTrailing());
                    counts[1]++;
                }
                if (report != null) report.println(line(json, id, ok, failure));
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), listener);
        System.out.printf("%d passed, %d failed%n", counts[0], counts[1]);
        if (report != null) report.close();
        System.exit(counts[1] == 0 && counts[0] > 0 ? 0 : 1);
    }

    private static String line(ObjectMapper json, TestIdentifier id, boolean ok, String failure) {
        Map<String, Object> row = new LinkedHashMap<>();
        id.getSource().ifPresent(s -> {
            if (s instanceof MethodSource m) {
                row.put("class", m.getClassName());
                row.put("method", m.getMethodName());
            } else if (s instanceof ClassSource c) {
                row.put("class", c.getClassName());
            }
        });
        row.put("name", id.getDisplayName());
        row.put("ok", ok);
        row.put("output", failure);
        try {
            return json.writeValueAsString(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
