package anchor.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A failed test told whole, for a student: an {@link AssertionError}'s message as it is (AssertJ's label, expected
 * and actual), or an exception's type and message with the frames of the student's class ({@code file:line}) — or,
 * when none of its frames is the student's, the frame that threw it. Causes are followed.
 */
public final class FailureReport {
    private FailureReport() {
    }

    public static String of(Throwable t, String studentClass, String studentPath) {
        if (t == null) return "(no exception was recorded)";
        if (t instanceof AssertionError && !(t.getMessage() == null || t.getMessage().isBlank())) return t.getMessage().strip();
        List<String> lines = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            lines.add((c == t ? "" : "caused by ") + c.getClass().getName() + (c.getMessage() == null ? "" : ": " + c.getMessage().strip()));
            List<String> own = new ArrayList<>();
            for (StackTraceElement e : c.getStackTrace()) {
                if (!studentClass.isEmpty() && (e.getClassName().equals(studentClass) || e.getClassName().startsWith(studentClass + "$"))) {
                    own.add("  at " + e.getClassName() + "." + e.getMethodName() + " (" + (studentPath.isEmpty() ? e.getFileName() : studentPath) + ":" + e.getLineNumber() + ")  <- your code");
                }
            }
            if (own.isEmpty() && c.getStackTrace().length > 0) {
                StackTraceElement e = c.getStackTrace()[0];
                own.add("  at " + e.getClassName() + "." + e.getMethodName() + " (" + e.getFileName() + ":" + e.getLineNumber() + ")");
            }
            lines.addAll(own);
        }
        return String.join("\n", lines);
    }
}
