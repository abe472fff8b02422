package anchor.train;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Next-token (language-model) training: AdamW with warmup + cosine schedule, global gradient clipping, seeded
 * batches and dropout drawn from (seed, step) — so a run resumed from a checkpoint continues exactly as if it had
 * never stopped. Writes {@code loss.csv}, {@code loss.png}, and checkpoints ({@code model/}: Hugging Face files,
 * {@code optimizer.safetensors}, {@code trainer_state.json}).
 */
public final class LmTrainer {
    private LmTrainer() {
    }

    /** Where batches come from: a pure function of the step, so resume is exact. */
    @FunctionalInterface
    public interface Batches {
        TokenBatch at(int step);
    }

    public record Settings(int steps, double lr, double minLr, int warmup, double weightDecay, double maxGradNorm,
                           long seed, int checkpointEvery) {
        public Settings {
            if (steps < 1) throw new AnchorException("--steps must be >= 1");
            if (!(lr > 0)) throw new AnchorException("--lr must be > 0");
        }
    }

    public record Point(int step, double loss, double lr, double gradNorm) {
    }

    /** Trains {@code model} in place from {@code startStep} (0, or the step of a resumed checkpoint). */
    public static List<Point> train(Gpt2Model model, AdamW opt, Batches data, Settings s, Path out, int startStep, boolean progress) {
        Schedule schedule = new Schedule(s.lr(), s.minLr(), s.warmup(), s.steps());
        List<Point> points = new ArrayList<>(readCsv(out.resolve("loss.csv"), startStep));
        boolean dropout = model.config().embdPdrop() > 0 || model.config().attnPdrop() > 0 || model.config().residPdrop() > 0;
        ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("train").setInitialMax(s.steps())
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        try {
            if (bar != null) bar.stepTo(startStep);
            for (int step = startStep; step < s.steps(); step++) {
                TokenBatch batch = data.at(step);
                Random dropoutRng = dropout ? new Random(s.seed() * 1_000_003L + step) : null;
                Gpt2Model.Gradients g = model.gradients(batch, meanNllWeights(batch), dropoutRng);
                if (!Double.isFinite(g.loss())) throw new AnchorException("loss became " + g.loss() + " at step " + step + "; last good checkpoint kept in " + out);
                double norm = Optimizer.clipGlobalNorm(g.byParameter(), s.maxGradNorm());
                double lr = schedule.lr(step);
                opt.setLearningRate(lr);
                opt.step(model.parameters(), g.byParameter());
                points.add(new Point(step, g.loss(), lr, norm));
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(String.format("loss %.3f", g.loss()));
                }
                if ((step + 1) % s.checkpointEvery() == 0 || step + 1 == s.steps()) save(model, opt, out, step + 1, points);
            }
        } finally {
            if (bar != null) bar.close();
        }
        return points;
    }

    /** ∂(mean NLL)/∂logp: −1/N on every real target. */
    public static double[][] meanNllWeights(TokenBatch batch) {
        int[][] mask = anchor.logprobs.TokenLogProbs.targetMask(batch);
        int n = 0;
        for (int[] row : mask) for (int m : row) n += m;
        double[][] w = new double[mask.length][mask[0].length];
        for (int b = 0; b < mask.length; b++) for (int t = 0; t < mask[b].length; t++) w[b][t] = -mask[b][t] / (double) n;
        return w;
    }

    static void save(Gpt2Model model, AdamW opt, Path out, int step, List<Point> points) {
        Checkpoint.save(out, model, opt, step, null);
        try {
            writeCurve(out, points);
        } catch (IOException e) {
            throw new AnchorException("cannot write the loss curve to " + out + ": " + e.getMessage(), e);
        }
    }

    /** The step stored in {@code out/checkpoint}, restoring model weights and optimizer state; 0 if none. */
    public static int resume(Gpt2Model model, AdamW opt, Path out) {
        return Checkpoint.resume(out, model, opt, null);
    }

    static void writeCurve(Path out, List<Point> points) throws IOException {
        StringBuilder csv = new StringBuilder("step,loss,lr,grad_norm\n");
        for (Point p : points) csv.append(p.step()).append(',').append(p.loss()).append(',').append(p.lr()).append(',').append(p.gradNorm()).append('\n');
        Files.writeString(out.resolve("loss.csv"), csv);
        if (points.isEmpty()) return;
        XYChart chart = new XYChartBuilder().width(800).height(450).title("Training loss").xAxisTitle("step").yAxisTitle("mean NLL (nats/token)").build();
        chart.addSeries("loss", points.stream().mapToDouble(Point::step).toArray(), points.stream().mapToDouble(Point::loss).toArray()).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(chart, out.resolve("loss.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static List<Point> readCsv(Path csv, int upTo) {
        List<Point> pts = new ArrayList<>();
        if (upTo == 0 || !Files.exists(csv)) return pts;
        try {
            for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
                String[] f = line.split(",");
                Point p = new Point(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
                if (p.step() < upTo) pts.add(p);
            }
        } catch (IOException | RuntimeException e) {
            throw new AnchorException("cannot read " + csv + ": " + e.getMessage());
        }
        return pts;
    }
}
