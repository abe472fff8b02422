package anchor.experiments;

import anchor.train.ResultFiles;
import anchor.dpo.PairLogProbs;
import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.data.PreferencePair;
import anchor.dpo.DpoLoss;
import anchor.dpo.DpoReference;
import anchor.dpo.DpoSettings;
import anchor.dpo.DpoTrainer;
import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.AdamW;
import anchor.train.RunLoop;
import anchor.world.PreferenceData;
import anchor.world.World;
import anchor.world.WorldEval;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Document 2's questions as runs on the embedded world: each run trains DPO (AdamW, precomputed reference log-probs)
 * and is evaluated with the world's kit on the held-out prompts against one shared sample of the SFT model. Results
 * are written as CSV, a Markdown table and a PNG plot. The experiments themselves: {@link #betaSweep},
 * {@link #referenceFree}, {@link StrongerReference}, {@link IterativeDpo}. Above both {@code dpo} and {@code world}: the
 * algorithm never sees the world, the world never sees the algorithm.
 */
public final class Experiments {
    private Experiments() {
    }

    static final long EVAL_SEED = 7;

    /** Steps per run, pairs per step, AdamW's learning rate, evaluation prompts, training pairs used (0: all), seeds. */
    public record Plan(int steps, int batch, double lr, int evalPrompts, int pairs, List<Long> seeds) {
        public Plan {
            if (seeds.isEmpty()) throw new AnchorException("at least one seed");
            if (steps < 1 || batch < 1 || evalPrompts < 1) throw new AnchorException("--steps, --batch and --prompts must be >= 1");
            if (pairs < 0) throw new AnchorException("--pairs must be >= 0 (0: all)");
        }
    }

    /** What every run of a set shares: the SFT model, the training pairs, the evaluation prompts and the SFT's samples. */
    public record Setup(Gpt2Weights sft, Gpt2Model sftModel, List<PreferenceBatch> data, List<String> prompts, List<String> baseline,
                        double sftChosenLogp, Plan plan) {
        public static Setup world(Plan plan) {
            Gpt2Weights sft = World.sftWeights();
            Gpt2Model sftModel = Gpt2Model.frozen(sft);
            List<String> prompts = PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, plan.evalPrompts());
            List<PreferencePair> pairs = World.trainPairs();
            List<PreferenceBatch> data = tokenize(plan.pairs() == 0 ? pairs : pairs.subList(0, Math.min(plan.pairs(), pairs.size())));
            return new Setup(sft, sftModel, data, prompts, WorldEval.baseline(sftModel, prompts, EVAL_SEED), chosenLogp(sftModel, data), plan);
        }
    }

    /** Pairs whose chosen responses measure likelihood displacement: the first {@value} of the training data. */
    static final int PROBE_PAIRS = 64;

    /** Mean log π(y_w) of the first {@link #PROBE_PAIRS} training pairs' chosen responses (document 2, "Failure signatures"). */
    static double chosenLogp(LanguageModel model, List<PreferenceBatch> data) {
        double[][] lp = PairLogProbs.of(model, data.subList(0, Math.min(PROBE_PAIRS, data.size())), 16);
        double sum = 0;
        for (double[] p : lp) sum += p[0];
        return sum / lp.length;
    }

    static List<PreferenceBatch> tokenize(List<PreferencePair> pairs) {
        return PairBatches.tokenize(pairs, World.tokenizer(), true, World.SEQ_LEN);
    }

    /**
     * One run's settings and outcome; {@code chosenLogpChange} is the change of the mean log π(y_w) from the SFT model's,
     * on fixed training pairs (a collapse here is the likelihood displacement document 2 warns of).
     */
    public record Row(String label, String reference, double beta, String loss, long seed, int steps, double trainLoss,
                      double trainAccuracy, double chosenLogpChange, WorldEval.Report eval) {
    }

    /** A trained policy, its training summary (means over the last fifth of the steps) and its mean log π(y_w) on the probe pairs. */
    public record Trained(Gpt2Model policy, int steps, double trainLoss, double trainAccuracy, double chosenLogp) {
    }

    /** DPO from {@code init} on {@code data} against the reference whose log-probs on it are {@code reference}. */
    public static Trained train(Setup setup, Gpt2Weights init, DpoReference.Precomputed reference, List<PreferenceBatch> data, DpoLoss.Variant loss,
                                double beta, long seed, int steps) {
        Gpt2Model policy = Gpt2Model.of(init);
        var trainer = dpoTrainer(setup.plan(), policy, reference, data, loss, beta, seed, steps);
        List<Map<String, Object>> rows = RunLoop.run(trainer, RunLoop.Options.inMemory("dpo", steps)).rows();
        int tail = Math.max(1, steps / 5);
        double meanLoss = 0, acc = 0;
        for (Map<String, Object> r : rows.subList(steps - tail, steps)) {
            meanLoss += ((Number) r.get("loss")).doubleValue() / tail;
            acc += ((Number) r.get("rewards/accuracies")).doubleValue() / tail;
        }
        return new Trained(policy, steps, meanLoss, acc, chosenLogp(policy, setup.data()));
    }

    /** The DPO trainer of every world experiment: {@code plan}'s batch and learning rate, AdamW, the world's sequence length. */
    static DpoTrainer dpoTrainer(Plan plan, Gpt2Model policy, DpoReference.Precomputed reference, List<PreferenceBatch> data, DpoLoss.Variant loss,
                                 double beta, long seed, int steps) {
        DpoSettings s = DpoSettings.DEFAULTS.withLoss(loss).withBeta(beta).withBatch(plan.batch()).withSteps(steps).withSeed(seed)
                .withMaxLength(World.SEQ_LEN);
        return new DpoTrainer(policy, null, reference, data, s, AdamW.standard(plan.lr()));
    }

    /** Evaluates {@code t} on the held-out prompts; the KL column is to {@code klReference}. */
    public static Row evaluate(Setup setup, String label, String referenceLabel, Trained t, LanguageModel klReference,
                               DpoLoss.Variant loss, double beta, long seed) {
        WorldEval.Report r = WorldEval.evaluate(t.policy(), klReference, setup.baseline(), setup.prompts(), EVAL_SEED);
        return new Row(label, referenceLabel, beta, loss.name().toLowerCase(Locale.ROOT).replace('_', '-'), seed, t.steps(),
                t.trainLoss(), t.trainAccuracy(), t.chosenLogp() - setup.sftChosenLogp(), r);
    }

    /** Question 1 of document 2: DPO at each β (and seed) against the SFT reference. */
    public static List<Row> betaSweep(Setup setup, List<Double> betas, java.io.PrintWriter log) {
        DpoReference.Precomputed pre = DpoReference.precompute(setup.sftModel(), setup.data(), setup.plan().batch());
        List<Row> rows = new ArrayList<>();
        for (double beta : betas) {
            for (long seed : setup.plan().seeds()) {
                log.printf("anchor: beta-sweep: β = %s, seed %d%n", beta, seed);
                Trained t = train(setup, setup.sft(), pre, setup.data(), DpoLoss.Variant.SIGMOID, beta, seed, setup.plan().steps());
                rows.add(evaluate(setup, "β=" + beta, "SFT", t, setup.sftModel(), DpoLoss.Variant.SIGMOID, beta, seed));
            }
        }
        return rows;
    }

    /**
     * The three reward parameterisations of the paper's RQ2 (arXiv 2407.13709; result table in the {@code yale-nlp/refdpo}
     * README, commit 85f6402), each trained with the same loss −log σ(r(y_w) − r(y_l)):
     * <pre>
     * DPO                    r = β·log π(y|x)/π_ref(y|x)     the SFT model as reference
     * posterior probability  r = β·log π(y|x)                 log π_ref ≡ 0: reference-free
     * likelihood function    r = β·log π(y|x)/p_SFT(y)        = β·log p(x|y) up to a per-prompt constant; p_SFT(y) is
     *                                                          the SFT model's unconditional (prior) log-prob of y —
     *                                                          the response after <|endoftext|> alone (the paper's
     *                                                          "mistral_prior" data) — a reference, though not π_ref
     * </pre>
     */
    public enum Objective {
        DPO("DPO", "SFT", List.of(0.1, 1.0, 10.0)),
        /** The paper's best β for this objective was 100 (its README's RQ2 table): the grid reaches it. */
        POSTERIOR("posterior probability", "none", List.of(1.0, 10.0, 100.0)),
        LIKELIHOOD("likelihood function", "SFT prior", List.of(0.1, 1.0, 10.0));

        public final String label, reference;
        /** The β grid {@code anchor experiment reference-free} sweeps for this objective by default. */
        public final List<Double> defaultBetas;

        Objective(String label, String reference, List<Double> defaultBetas) {
            this.label = label;
            this.reference = reference;
            this.defaultBetas = defaultBetas;
        }
    }

    /**
     * Question 2: each objective at each of its β (each compared at its own best β, as the paper tuned β per
     * objective) and seed, at otherwise matched settings.
     */
    public static List<Row> referenceFree(Setup setup, Map<Objective, List<Double>> betas, java.io.PrintWriter log) {
        int batch = setup.plan().batch();
        DpoReference.Precomputed sft = DpoReference.precompute(setup.sftModel(), setup.data(), batch);
        DpoReference.Precomputed prior = DpoReference.precompute(setup.sftModel(), priorPairs(setup.data()), batch);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Objective, List<Double>> e : betas.entrySet()) {
            Objective o = e.getKey();
            DpoLoss.Variant v = o == Objective.POSTERIOR ? DpoLoss.Variant.REFERENCE_FREE : DpoLoss.Variant.SIGMOID;
            for (double beta : e.getValue()) {
                for (long seed : setup.plan().seeds()) {
                    log.printf("anchor: reference-free: %s, β = %s, seed %d%n", o.label, beta, seed);
                    Trained t = train(setup, setup.sft(), o == Objective.LIKELIHOOD ? prior : sft, setup.data(), v, beta, seed, setup.plan().steps());
                    rows.add(evaluate(setup, o.label, o.reference, t, setup.sftModel(), v, beta, seed));
                }
            }
        }
        return rows;
    }

    /** The same responses with the prompt cut to its leading {@code <|endoftext|>}: their log-probs are the SFT model's prior p(y). */
    static List<PreferenceBatch> priorPairs(List<PreferenceBatch> pairs) {
        List<PreferenceBatch> out = new ArrayList<>();
        for (PreferenceBatch b : pairs) {
            int[] chosen = response(b.chosen().ids()[0], b.chosenMask()[0]), rejected = response(b.rejected().ids()[0], b.rejectedMask()[0]);
            out.add(PreferenceBatch.of(new int[]{World.tokenizer().eotId()}, chosen, rejected, anchor.data.PromptResponse.NO_END, World.SEQ_LEN));
        }
        return out;
    }

    /** The response tokens of one row: the ids at the positions its target mask predicts (mask[t] = 1: ids[t+1] is a response token). */
    static int[] response(int[] ids, int[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < mask.length; t++) if (mask[t] == 1) out.add(ids[t + 1]);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes {@code name}.csv, .md (every run, then {@link SeedMeans}' means over seeds) and .png; the plot has win rate and grammatical rate against β or against the run. */
    public static void write(List<Row> rows, Path out, String name, String xTitle, boolean logX) {
        StringBuilder csv = new StringBuilder("label,reference,beta,loss,seed,steps,train_loss,train_accuracy,chosen_logp_change,gold_mean,gold_se,"
                + "win_rate,win_rate_se,sampled_kl,sampled_kl_se,grammatical_rate,grammatical_se,length,length_se,distinct1,distinct2,unique_rate,ref_perplexity\n");
        StringBuilder md = new StringBuilder("Each mean ± its standard error over the evaluation prompts (one sample each). KL: per sequence, "
                + "summed over the sampled response tokens (nats). Win rate: gold reward against another seed's SFT samples, not length-controlled; "
                + "length: response tokens.\n\n| run | reference | β | seed | steps | gold reward | win rate vs SFT | length | KL to ref | grammatical "
                + "| distinct-2 | Δ log π(y_w) |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            WorldEval.Report e = r.eval();
            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%d,%d,%.6f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.3f,%.3f,%.4f,%.4f,%.4f,%.4f%n",
                    r.label(), r.reference(), r.beta(), r.loss(), r.seed(), r.steps(), r.trainLoss(), r.trainAccuracy(), r.chosenLogpChange(),
                    e.goldMean(), e.goldSe(), e.winRateVsSft(), e.winRateSe(), e.sampledKl(), e.sampledKlSe(), e.grammaticalRate(), e.grammaticalSe(),
                    e.meanLength(), e.lengthSe(), e.distinct1(), e.distinct2(), e.uniqueRate(), e.referencePerplexity()));
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %+.3f ± %.3f | %.3f ± %.3f | %.1f ± %.1f | %.3f ± %.3f | %.3f ± %.3f | %.3f | %+.2f |%n",
                    r.label(), r.reference(), Double.isNaN(r.beta()) ? "-" : Double.toString(r.beta()), r.seed(), r.steps(), e.goldMean(), e.goldSe(),
                    e.winRateVsSft(), e.winRateSe(), e.meanLength(), e.lengthSe(), e.sampledKl(), e.sampledKlSe(), e.grammaticalRate(), e.grammaticalSe(),
                    e.distinct2(), r.chosenLogpChange()));
        }
        md.append(SeedMeans.markdown(rows));
        XYChart chart = ResultFiles.lineChart(800, 450, name, xTitle, "rate");
        chart.getStyler().setXAxisLogarithmic(logX);
        List<Double> x = new ArrayList<>(), win = new ArrayList<>(), gram = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            x.add(logX ? rows.get(i).beta() : i);
            win.add(rows.get(i).eval().winRateVsSft());
            gram.add(rows.get(i).eval().grammaticalRate());
        }
        chart.addSeries("win rate vs SFT", x, win);
        chart.addSeries("grammatical rate", x, gram);
        ResultFiles.in(out).text(name + ".csv", csv).text(name + ".md", md).chart(name + ".png", chart).write();
    }
}
