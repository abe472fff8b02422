package anchor.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Says, once per test run and loudly, whose code the exercise tests are testing: the solutions in
 * {@code src/main/java} (a plain {@code mvn test}), the stubs in {@code exercises/} ({@code mvn test -Pexercises}), or
 * the one stub {@code ./exercise} compiled. Registered for every test class (junit-platform.properties); silent
 * for classes that are not tagged {@code exercise}.
 */
public final class ExerciseBanner implements BeforeAllCallback {
    private static volatile boolean printed;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (printed || !context.getTags().contains("exercise")) return;
        printed = true;
        String mode = System.getProperty("anchor.exercises", "false");
        String banner = switch (mode) {
            case "true" -> "exercise tests: testing YOUR stubs from exercises/ (laid over src/main/java)";
            case "stub" -> "exercise tests: testing YOUR stub " + System.getProperty("anchor.exercise.stub", "");
            default -> "exercise tests: testing the SOLUTIONS in src/main/java, not your stubs — run ./exercise N (or mvn test -Pexercises) to test yours";
        };
        System.out.println("\n==== " + banner + " ====\n");
    }
}
