package anchor.train;

import anchor.AnchorException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One run per run directory: {@code out/run.lock}, locked by the operating system for as long as the run lives (a
 * killed run's lock goes with it, so there is no stale lock to clear) and holding the owner's pid for the error a
 * second run gets. Taking it is also the first write into {@code out}, so an unwritable directory fails here, before
 * any training. Only {@link RunLoop} takes it, once per run, around the loop and the final models; not re-entrant: a
 * second lock on the same directory, in this process or another, is refused.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The directory is locked by another run (its pid, where known: "" otherwise). */
    public static final class InUse extends AnchorException {
        private final String owner;

        InUse(Path out, String owner) {
            super(out + " is in use by another anchor run" + (owner.isEmpty() ? "" : " (pid " + owner + ")") + "; wait for it to finish or choose another --out");
            this.owner = owner;
        }

        public String owner() {
            return owner;
        }
    }

    public static synchronized RunLock acquire(Path out) {
        Path key = out.toAbsolutePath().normalize();
        try {
            Files.createDirectories(key);
        } catch (IOException e) {
            throw new AnchorException("cannot create the run directory " + out + ": " + why(key, e));
        }
        Path file = key.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new AnchorException("cannot write into the run directory " + out + (Folders.readOnlyStore(key) ? ": it is on a read-only file system"
                    : e instanceof AccessDeniedException ? ": permission denied" : ": " + e.getMessage()));
        }
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                ch.close();
                throw new InUse(out, owner);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new RunLock(file, ch, lock);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the error below is the one to report
            }
            throw new AnchorException("cannot lock the run directory " + out + ": " + e.getMessage());
        }
    }

    /** The reason a directory cannot be made, in words: the ancestor that is a file, or a permission. */
    private static String why(Path dir, IOException e) {
        String why = Folders.whyNotWritable(dir);
        if (why != null) return why;
        return e instanceof AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    @Override
    public void close() {
        synchronized (RunLock.class) {
            try {
                Files.deleteIfExists(file);        // removed while still locked: no window for a second run to lock a doomed file
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the run itself is done and saved; a lock file left behind is harmless (the OS lock is gone)
            }
        }
    }
}
