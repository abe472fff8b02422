package anchor.train;

/** Linear warmup to {@code maxLr}, then cosine decay to {@code minLr} at {@code total} steps (as nanoGPT). */
public record Schedule(double maxLr, double minLr, int warmup, int total) {
    public double lr(int step) {
        if (step < warmup) return maxLr * (step + 1) / warmup;
        if (step >= total) return minLr;
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (maxLr - minLr);
    }
}
