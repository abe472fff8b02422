package anchor.course;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A student repository: the project without its history, build output or runs, where each chosen exercise's solution
 * is gone from {@code src/main/java} and its stub waits in {@code exercises/}, which the build then compiles in its
 * place (the {@code handout} profile of pom.xml, switched on by {@code exercises/HANDOUT}) — so {@code ./anchor} runs
 * the student's code. A file shared with an exercise that is not handed out (6.1 and 6.2 share {@code PpoMath}) keeps
 * that exercise's solution in the stub. The exercises' table lists the chosen exercises only.
 */
public final class Handout {
    /** What is never copied: history, build output, runs, editor files. */
    static final Set<String> SKIPPED = Set.of(".git", "target", "runs", ".idea", ".cifuzz-corpus");

    private Handout() {
    }

    public static void write(Project project, Path dir, List<Exercise> chosen) {
        try {
            if (Files.exists(project.stubsDir().resolve("HANDOUT")))
                throw new IllegalArgumentException("this folder is a handout (exercises/HANDOUT): make handouts from the instructor's checkout");
            if (Files.exists(dir) && (!Files.isDirectory(dir) || notEmpty(dir)))
                throw new IllegalArgumentException(dir + " exists and is not empty: a handout is written to a new folder (nothing is overwritten)");
            List<Exercise> table = project.table();
            Set<String> chosenIds = chosen.stream().map(Exercise::id).collect(Collectors.toSet());
            Set<String> chosenStubs = chosen.stream().map(Exercise::stub).collect(Collectors.toSet());
            copyTree(project.root(), dir, project.root());
            Project out = new Project(dir.toAbsolutePath().normalize());
            // exercises/: only the chosen stubs (and the table), filled where they share a file with one not chosen
            try (Stream<Path> s = Files.walk(out.stubsDir())) {
                for (Path p : s.filter(p -> p.toString().endsWith(".java")).toList()) Files.delete(p);
            }
            for (String stub : chosenStubs) {
                Exercise any = chosen.stream().filter(e -> e.stub().equals(stub)).findFirst().orElseThrow();
                String stubText = StubSource.read(project.stub(any)), solution = StubSource.read(project.solution(any));
                List<Exercise> kept = table.stream().filter(e -> e.stub().equals(stub) && !chosenIds.contains(e.id())).toList();
                String text = JavaMethods.fill(stubText, solution, m -> kept.stream().anyMatch(k -> k.owns(m.body(stubText))));
                Files.createDirectories(out.stub(any).getParent());
                Files.writeString(out.stub(any), text);
                Files.delete(out.solution(any));
            }
            List<String> readme = new ArrayList<>();
            for (String line : Files.readAllLines(project.readme())) {
                boolean row = line.matches("^\\| \\d+\\.\\d+ .*");
                if (!row || chosenIds.contains(line.substring(2).split(" ", 2)[0])) readme.add(line);
            }
            Files.write(out.readme(), readme);
            Files.writeString(out.stubsDir().resolve("HANDOUT"), "Handed out: " + String.join(", ", chosen.stream().map(Exercise::id).toList())
                    + "\nThe build compiles the stubs in this folder in place of their solutions (pom.xml, profile handout).\n");
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private static boolean notEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static void copyTree(Path from, Path to, Path root) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (from.equals(root) && SKIPPED.contains(name) || name.endsWith(".iml") || name.endsWith(".tmp")) continue;
                if (Files.isSymbolicLink(p)) continue;
                Path target = to.resolve(name);
                if (Files.isDirectory(p)) copyTree(p, target, root);
                else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
