package anchor;

/**
 * Seeds derived from a run's seed, written once: each step of a run (its rollouts, its dropout, its minibatch order, a
 * world batch) draws from {@code seed · 1,000,003 + step}, so a seeded run repeats bit for bit and no two steps share a
 * stream (1,000,003 is prime and larger than any step count).
 */
public final class Seeds {
    private Seeds() {
    }

    /** The seed of step {@code step} of a run seeded {@code seed}. */
    public static long perStep(long seed, long step) {
        return seed * 1_000_003L + step;
    }
}
