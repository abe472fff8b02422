package anchor.dpo;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.train.AdamW;
import anchor.world.PreferenceData;
import anchor.world.World;
import anchor.world.WorldEval;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Document 2's questions as runs on the embedded world: each run trains DPO from the SFT model with the given
 * settings and evaluates the result with the world's kit on the held-out prompts. Results are written as CSV, a
 * Markdown table and a PNG plot.
 */
public final class Experiments {
    private Experiments() {
    }

    /** One run's settings and outcome. */
    public record Row(String label, double beta, String loss, long seed, int steps, double trainLoss, double trainAccuracy,
                      WorldEval.Report eval) {
    }

    public record Plan(int steps, int batch, double lr, int evalPrompts, List<Long> seeds) {
        public Plan {
            if (seeds.isEmpty()) throw new AnchorException("at least one seed");
        }
    }

    /** Trains one DPO run from {@code sft} against {@code reference} (its log-probs on the data precomputed) and evaluates it. */
    public static Row run(String label, Gpt2Weights sft, Gpt2Model reference, double[][] referenceLogps, List<PreferenceBatch> data,
                          DpoLoss.Variant loss, double beta, long seed, Plan plan) {
        DpoTrainer.Settings s = new DpoTrainer.Settings(beta, loss, 0, plan.batch(), plan.steps(), World.SEQ_LEN, 1.0, seed, true, true);
        Gpt2Model policy = Gpt2Model.of(sft);
        double[][] pre = referenceLogps;
        AdamW opt = AdamW.standard(plan.lr());
        double lossSum = 0, accSum = 0;
        int tail = Math.max(1, plan.steps() / 5);
        for (int step = 0; step < plan.steps(); step++) {
            DpoTrainer.Metrics m = DpoTrainer.step(policy, null, pre, data, DpoTrainer.indices(data.size(), plan.batch(), step, seed), s, opt, step);
            if (step >= plan.steps() - tail) {
                lossSum += m.loss() / tail;
                accSum += m.rewardsAccuracies() / tail;
            }
        }
        Gpt2Model sftModel = Gpt2Model.of(sft);
        WorldEval.Report r = WorldEval.evaluate(policy, reference, sftModel,
                PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, plan.evalPrompts()), 7);
        return new Row(label, beta, loss.name().toLowerCase(Locale.ROOT).replace('_', '-'), seed, plan.steps(), lossSum, accSum, r);
    }

    public static void write(List<Row> rows, Path out, String name, String xTitle, boolean logX) {
        try {
            Files.createDirectories(out);
            StringBuilder csv = new StringBuilder("label,beta,loss,seed,steps,train_loss,train_accuracy,gold_mean,win_rate,sampled_kl,grammatical_rate,distinct1,distinct2,unique_rate,ref_perplexity\n");
            StringBuilder md = new StringBuilder("| run | β | loss | seed | gold reward | win rate vs SFT | KL to ref | grammatical | distinct-2 | unique |\n|---|---|---|---|---|---|---|---|---|---|\n");
            for (Row r : rows) {
                WorldEval.Report e = r.eval();
                csv.append(String.format(Locale.ROOT, "%s,%g,%s,%d,%d,%.6f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f%n", r.label(), r.beta(), r.loss(),
                        r.seed(), r.steps(), r.trainLoss(), r.trainAccuracy(), e.goldMean(), e.winRateVsSft(), e.sampledKl(), e.grammaticalRate(),
                        e.distinct1(), e.distinct2(), e.uniqueRate(), e.referencePerplexity()));
                md.append(String.format(Locale.ROOT, "| %s | %g | %s | %d | %+.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", r.label(), r.beta(), r.loss(), r.seed(),
                        e.goldMean(), e.winRateVsSft(), e.sampledKl(), e.grammaticalRate(), e.distinct2(), e.uniqueRate()));
            }
            Files.writeString(out.resolve(name + ".csv"), csv);
            Files.writeString(out.resolve(name + ".md"), md);
            XYChart chart = new XYChartBuilder().width(800).height(450).title(name).xAxisTitle(xTitle).yAxisTitle("rate").build();
            chart.getStyler().setXAxisLogarithmic(logX);
            List<Double> x = new ArrayList<>(), win = new ArrayList<>(), gram = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                x.add(logX ? rows.get(i).beta() : i);
                win.add(rows.get(i).eval().winRateVsSft());
                gram.add(rows.get(i).eval().grammaticalRate());
            }
            chart.addSeries("win rate vs SFT", x, win);
            chart.addSeries("grammatical rate", x, gram);
            BitmapEncoder.saveBitmap(chart, out.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new AnchorException("cannot write results to " + out + ": " + e.getMessage(), e);
        }
    }
}
