package anchor.course;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Compiles one stub's text, alone, against the built solutions, into a folder of its own. Errors are written as
 * {@code exercises/anchor/ppo/PpoMath.java:12: error: …} with the student's path. A file that defines any class other
 * than the stub's own (and its nested classes) is refused, so a submission cannot put a test or another solution class
 * of its own first on the classpath.
 */
public final class StubCompiler {
    private StubCompiler() {
    }

    public record Result(boolean ok, String messages) {
    }

    public static Result compile(Exercise e, String text, String displayPath, Path outDir, String classpath) {
        try {
            Path src = outDir.resolveSibling(outDir.getFileName() + "-src").resolve(e.stub());
            deleteTree(outDir);
            deleteTree(src.getRoot() == null ? src : outDir.resolveSibling(outDir.getFileName() + "-src"));
            Files.createDirectories(src.getParent());
            Files.createDirectories(outDir);
            Files.writeString(src, text);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac == null) throw new IllegalStateException("no Java compiler: run with a JDK, not a JRE");
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (var files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
                var units = files.getJavaFileObjects(src.toFile());
                List<String> options = List.of("-nowarn", "-encoding", "UTF-8", "-proc:none", "-d", outDir.toString(), "-cp", classpath);
                boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
                StringBuilder msg = new StringBuilder();
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() != Diagnostic.Kind.ERROR) continue;
                    msg.append(displayPath).append(':').append(d.getLineNumber()).append(": error: ").append(d.getMessage(Locale.ROOT)).append('\n');
                }
                if (!ok) return new Result(false, msg.length() == 0 ? displayPath + ": does not compile\n" : msg.toString());
            }
            List<String> foreign = foreignClasses(e, outDir);
            if (!foreign.isEmpty()) {
                return new Result(false, displayPath + ": defines classes other than " + e.className() + ": " + String.join(", ", foreign) + " (not allowed)\n");
            }
            return new Result(true, "");
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private static List<String> foreignClasses(Exercise e, Path outDir) throws IOException {
        String own = e.className().replace('.', '/');
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(outDir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = outDir.relativize(p).toString().replace('\\', '/').replaceAll("\\.class$", "");
                if (!rel.equals(own) && !rel.startsWith(own + "$")) out.add(rel.replace('/', '.'));
            }
        }
        return out;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(q);
        }
    }
}
