package anchor.testing;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code ./exercise} runs: the named exercise tests ("pkg.Class" or "pkg.Class#method"), one line per test —
 * OK, or NOT OK with the first line of its failure — and exit status 1 if any failed.
 */
public final class ExerciseRunner {
    private ExerciseRunner() {
    }

    public static void main(String[] args) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (String a : args) {
            selectors.add(a.contains("#") ? DiscoverySelectors.selectMethod(a) : DiscoverySelectors.selectClass(a));
        }
        int[] counts = new int[2];                                                    // passed, failed
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        System.out.println("NOT OK  " + id.getDisplayName() + ": " + firstLine(result));
                        counts[1]++;
                    }
                    return;
                }
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    System.out.println("OK      " + id.getDisplayName());
                    counts[0]++;
                } else {
                    System.out.println("NOT OK  " + id.getDisplayName() + ": " + firstLine(result));
                    counts[1]++;
                }
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), listener);
        System.out.printf("%d passed, %d failed%n", counts[0], counts[1]);
        System.exit(counts[1] == 0 && counts[0] > 0 ? 0 : 1);
    }

    private static String firstLine(TestExecutionResult r) {
        return r.getThrowable().map(t -> {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            String[] lines = m.split("\n");
            StringBuilder sb = new StringBuilder(lines[0]);
            for (int i = 1; i < Math.min(lines.length, 4); i++) sb.append(" ").append(lines[i].strip());
            return sb.toString();
        }).orElse(String.valueOf(r.getStatus()));
    }
}
