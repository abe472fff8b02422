package anchor.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The one progress bar of Anchor: drawn on stderr, and only when asked for and stderr itself is a terminal (a log file
 * or a pipe gets no bar, even with stdout on a terminal). Closing it ends the line.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar named {@code task} counting to {@code max}, already at {@code at}; a silent one unless {@code wanted} and on a terminal. */
    public static Progress start(String task, long max, long at, boolean wanted) {
        if (!wanted || !stderrIsTerminal()) return new Progress(null);
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        bar.stepTo(at);
        return new Progress(bar);
    }

    /**
     * Whether stderr is a terminal. Java has no test for one stream ({@code System.console()} looks at stdin and stdout),
     * so on Linux it reads where file descriptor 2 points; elsewhere it falls back to the console's presence.
     */
    static boolean stderrIsTerminal() {
        java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
        try {
            return isTerminalDevice(java.nio.file.Files.readSymbolicLink(fd2).toString());
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    /** A terminal device's path: a pseudo-terminal {@code /dev/pts/N} or a {@code /dev/tty*}; a file, pipe or socket is not. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    public void step(String message) {
        if (bar == null) return;
        bar.step();
        if (!message.isEmpty()) bar.setExtraMessage(message);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
