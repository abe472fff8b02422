package anchor.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * The one progress bar of Anchor: drawn on stderr, and only when asked for and a terminal is attached (a log file or
 * a pipe gets no bar). Closing it ends the line.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar named {@code task} counting to {@code max}, already at {@code at}; a silent one unless {@code wanted} and on a terminal. */
    public static Progress start(String task, long max, long at, boolean wanted) {
        if (!wanted || System.console() == null) return new Progress(null);
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        bar.stepTo(at);
        return new Progress(bar);
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
