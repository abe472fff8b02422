package anchor.ppo;

/**
 * One batch of rollouts after TRL's steps 1–4: the prompts, each response's per-token quantities ({@link RolloutScores}),
 * and what the epochs train on — the advantages whitened over every response token of the batch, and the returns.
 *
 * @param advantages (B, n_b) whitened GAE advantages
 * @param returns    (B, n_b) advantages + values, before the whitening (the value loss's targets)
 */
record RolloutBatch(int[][] prompts, RolloutScores.Scored[] rows, double[][] advantages, double[][] returns) {

    /**
     * Advantages and returns of the explained rows: each row's own GAE ({@link RolloutScores}), or — with
     * {@code whitenRewards} — GAE again over the rewards whitened across the batch; then the advantages whitened.
     */
    static RolloutBatch of(int[][] prompts, RolloutScores.Scored[] rows, PpoSettings s) {
        int B = rows.length;
        double[][] adv = new double[B][], ret = new double[B][];
        int[][] mask = new int[B][];
        double[][] rewards = new double[B][];
        for (int b = 0; b < B; b++) {
            mask[b] = new int[rows[b].rewards().length];
            java.util.Arrays.fill(mask[b], 1);
            rewards[b] = rows[b].rewards();
        }
        if (s.whitenRewards()) rewards = PpoMath.whiten(rewards, mask, false);
        for (int b = 0; b < B; b++) {
            adv[b] = s.whitenRewards() ? PpoMath.gae(rewards[b], rows[b].values(), s.gamma(), s.lam()) : rows[b].advantages();
            ret[b] = PpoMath.returns(adv[b], rows[b].values());
        }
        return new RolloutBatch(prompts, rows, PpoMath.whiten(adv, mask, true), ret);
    }

    /** The mean per-token KL over the batch's response tokens: what document 1's option 3 holds until the reference runs again. */
    double meanTokenKl() {
        double sum = 0;
        int n = 0;
        for (RolloutScores.Scored e : rows) for (double k : e.kl()) {
            sum += k;
            n++;
        }
        return sum / n;
    }
}
