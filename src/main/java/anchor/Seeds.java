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

    /**
     * The indices of step {@code step}'s batch of {@code batch} examples out of {@code n} — pairs for DPO and the reward
     * model, prompts for PPO: epochs of seeded permutations (epoch e is the shuffle seeded {@code seed·31 + e}), so the
     * order is a pure function of (seed, step) and a resumed run draws the same batches.
     */
    public static int[] batchIndices(int n, int batch, int step, long seed) {
        int[] idx = new int[batch];
        java.util.List<Integer> order = null;
        int orderEpoch = -1;
        for (int i = 0; i < batch; i++) {
            long k = (long) step * batch + i;
            int epoch = (int) (k / n);
            if (epoch != orderEpoch) {                      // a batch spans at most a few epochs: shuffle each once
                order = new java.util.ArrayList<>();
                for (int j = 0; j < n; j++) order.add(j);
                java.util.Collections.shuffle(order, new java.util.Random(seed * 31 + epoch));
                orderEpoch = epoch;
            }
            idx[i] = order.get((int) (k % n));
        }
        return idx;
    }
}
