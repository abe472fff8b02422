package anchor.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run may write, checked before it starts: the one walk up to the nearest existing folder that the run lock,
 * the experiments' {@code --out} check and the CLI's overlap check share.
 */
public final class Folders {
    private Folders() {
    }

    /** The deepest existing ancestor of {@code p} ({@code p} itself when it exists), absolute and normalised; null if none. */
    public static Path nearestExisting(Path p) {
        Path q = p.toAbsolutePath().normalize();
        while (q != null && !Files.exists(q)) q = q.getParent();
        return q;
    }

    /**
     * Why files cannot be written under {@code dir} (which need not exist yet), in words — the nearest existing
     * ancestor is a file, on a read-only file system, or not writable — or null when nothing stands in the way.
     */
    public static String whyNotWritable(Path dir) {
        return whyNotWritable(dir, Folders::readOnlyStore);
    }

    /** As above, with the file system's read-only flag asked of {@code readOnly} (a test cannot mount one). */
    static String whyNotWritable(Path dir, java.util.function.Predicate<Path> readOnly) {
        Path p = nearestExisting(dir);
        if (p == null) return null;
        if (!Files.isDirectory(p)) return p + " is a file, not a directory";
        if (readOnly.test(p)) return p + " is on a read-only file system";
        if (!Files.isWritable(p)) return "permission denied in " + p;
        return null;
    }

    static boolean readOnlyStore(Path p) {
        try {
            return Files.getFileStore(p).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }
}
