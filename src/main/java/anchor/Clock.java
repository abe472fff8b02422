package anchor;

/** Wall-clock minutes, the unit every experiment reports its cost in. */
public final class Clock {
    private Clock() {
    }

    /** Minutes since {@code startNanos}, a value of {@link System#nanoTime()}. */
    public static double minutesSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 6e10;
    }
}
