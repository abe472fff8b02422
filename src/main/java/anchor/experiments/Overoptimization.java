package anchor.experiments;

import anchor.AnchorException;
import anchor.Clock;
import anchor.Seeds;
import anchor.data.PromptResponse;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.ppo.PpoSettings;
import anchor.ppo.RolloutScores;
import anchor.reward.RewardModel;
import anchor.stats.Estimate;
import anchor.world.World;
import anchor.world.WorldJudge;
import anchor.world.WorldRewardModel;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gao et al. (2022), "Scaling Laws for Reward Model Overoptimization", at toy scale. Proxy reward models trained on
 * the world's gold-labelled pairs (Bradley–Terry draws on the gold reward) of two data sizes; for each, best-of-n of
 * the SFT policy for n = 1 … N and PPO without a KL penalty, both scored by the proxy and by the gold reward against
 * d = √KL to the SFT policy, and Gao's two functional forms fitted to the gold gains.
 */
public final class Overoptimization {
    private Overoptimization() {
    }

    /**
     * @param pairSizes     training pairs of each proxy (0: all 512, the world's default reward model)
     * @param prompts       held-out prompts for best-of-n
     * @param samples       samples per prompt (a power of two: n runs over 1, 2, 4, …, samples)
     * @param ppo           the PPO runs' settings (evaluated every {@code evalEvery} updates on the same prompts)
     * @param seeds         PPO seeds per proxy; the best-of-n draw uses the first
     */
    public record Plan(List<Integer> pairSizes, int prompts, int samples, PpoSettings ppo, List<Long> seeds) {
        public Plan {
            if (pairSizes.isEmpty() || seeds.isEmpty()) throw new AnchorException("at least one proxy size and one seed");
            if (samples < 2 || Integer.bitCount(samples) != 1) throw new AnchorException("--samples must be a power of two >= 2, got " + samples);
            if (prompts < 2) throw new AnchorException("--prompts must be >= 2, got " + prompts);
        }

        public static Plan defaults(List<Long> seeds) {
            return new Plan(List.of(128, 0), 32, 256, PpoSettings.DEFAULTS.withSteps(20).withLr(1e-4).withEvalEvery(5), seeds);
        }
    }

    /** One best-of-n row: proxy label, n, the KL bound, the exact KL of the drawn samples' best-of-n, proxy and gold with standard errors over prompts. */
    public record BonRow(String proxy, int n, double klBound, double klExact, double score, double scoreSe, double gold, double goldSe) {
    }

    public record Result(List<BonRow> bon, List<NoKl.Point> rl, double sftGold) {
    }

    /** The whole experiment: {@link #run}, then the table, CSV and plot under {@code out} ({@link OveroptimizationReport}). */
    public static Result experiment(Plan plan, Path out, PrintWriter log) {
        long t0 = System.nanoTime();
        Result r = run(plan, size -> worldProxy(size, out, log), log);
        double minutes = Clock.minutesSince(t0);
        var s = plan.ppo();
        String header = String.format(java.util.Locale.ROOT, "Proxies trained on %s of the world's gold-labelled pairs (150 steps × 16 pairs, lr 1e-3, seed 0); "
                        + "best-of-n over %d samples at T = %s for each of %d held-out prompts (seed %d); PPO with β = 0, %d updates of %d rollouts, lr %s, seeds %s; "
                        + "%.1f minutes on this machine.", plan.pairSizes().stream().map(n -> n == 0 ? "512" : n.toString()).toList(), plan.samples(), s.temperature(),
                plan.prompts(), plan.seeds().get(0), s.steps(), s.batch(), s.lr(), plan.seeds(), minutes);
        OveroptimizationReport.write(r, header, out);
        log.printf("anchor: overoptimization took %.1f minutes; overoptimization.md, .csv and .png in %s%n", minutes, out);
        return r;
    }

    /** A proxy reward model: its weights (with the scalar head) and normalisation. */
    public record Proxy(Gpt2Weights weights, RewardModel.Normalization normalization) {
    }

    /** The world's proxy trained on the first {@code size} training pairs (0: all), cached under {@code out} (all: the world's, in the per-user cache). */
    static Proxy worldProxy(int size, Path out, PrintWriter log) {
        Path dir = size == 0 ? WorldRewardModel.cached(log) : WorldRewardModel.cached(out.resolve("reward-" + size), size, log);
        return new Proxy(RewardModel.load(dir), RewardModel.normalization(dir));
    }

    public static Result run(Plan plan, java.util.function.IntFunction<Proxy> proxies, PrintWriter log) {
        Gpt2Weights sft = World.sftWeights().withoutScoreHead();
        Gpt2Model sftModel = Gpt2Model.frozen(sft);
        NoKl.Prompts data = NoKl.prompts(Math.max(plan.prompts(), 64));
        List<int[]> bonPrompts = data.eval().subList(0, plan.prompts());
        List<int[][]> drawn = draw(sftModel, bonPrompts, plan.samples(), plan.ppo().temperature(), plan.ppo().responseLength(), plan.seeds().get(0));
        List<BonRow> bon = new ArrayList<>();
        List<NoKl.Point> rl = new ArrayList<>();
        double sftGold = 0;
        for (int size : plan.pairSizes()) {
            String label = size == 0 ? "proxy on 512 pairs" : "proxy on " + size + " pairs";
            Proxy proxyModel = proxies.apply(size);
            Gpt2Weights rw = proxyModel.weights();
            RewardModel.Normalization norm = proxyModel.normalization();
            Gpt2Model rm = Gpt2Model.frozen(rw);
            double[][] proxy = new double[bonPrompts.size()][], gold = new double[bonPrompts.size()][];
            for (int p = 0; p < bonPrompts.size(); p++) {
                List<int[]> seqs = new ArrayList<>();
                gold[p] = new double[plan.samples()];
                for (int i = 0; i < plan.samples(); i++) {
                    seqs.add(PromptResponse.ids(bonPrompts.get(p), drawn.get(p)[i], PromptResponse.NO_END));
                    gold[p][i] = WorldJudge.INSTANCE.gold(drawn.get(p)[i]);
                }
                double[] raw = RewardModel.scores(rm, seqs, 64);
                proxy[p] = new double[raw.length];
                for (int i = 0; i < raw.length; i++) proxy[p][i] = norm.apply(raw[i]);
            }
            for (int n = 1; n <= plan.samples(); n *= 2) bon.add(bonRow(label, n, proxy, gold, drawn));
            sftGold = bon.get(0).gold();                                                         // n = 1: every sample, the SFT policy itself
            log.printf("anchor: overoptimization: best-of-n with the %s done; PPO without a KL penalty next%n", label);
            var models = new NoKl.Models(sft, rw, norm);
            for (long seed : plan.seeds()) rl.addAll(relabel(NoKl.runOne(plan.ppo().withSeed(seed), NoKl.Arm.fixed(0), seed, models, data), label));
        }
        return new Result(bon, rl, sftGold);
    }

    /** {@code samples} responses to each prompt from the SFT policy at the rollout temperature, cut after the first EOS. */
    static List<int[][]> draw(Gpt2Model sft, List<int[]> prompts, int samples, double temperature, int maxTokens, long seed) {
        List<int[][]> out = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            int[][] rows = new int[samples][];
            for (int i = 0; i < samples; i++) rows[i] = prompts.get(p);
            int[][] resp = Generator.generate(sft, rows, new Generator.Settings(maxTokens, temperature, 0, 1.0, Seeds.perStep(seed, p), true));
            for (int i = 0; i < samples; i++) resp[i] = RolloutScores.truncateAfterEos(resp[i], sft.config().eotId());
            out.add(resp);
        }
        return out;
    }

    static BonRow bonRow(String label, int n, double[][] proxy, double[][] gold, List<int[][]> drawn) {
        int P = proxy.length;
        double[] s = new double[P], g = new double[P];
        double kl = 0;
        for (int p = 0; p < P; p++) {
            BestOfN.Pick pick = BestOfN.pick(proxy[p], gold[p], n);
            s[p] = pick.proxy();
            g[p] = pick.gold();
            kl += BestOfN.klExact(List.of(drawn.get(p)), proxy[p], n) / P;
        }
        Estimate proxyPicked = Estimate.of(s), goldPicked = Estimate.of(g);             // ≥ 2 prompts (Plan)
        return new BonRow(label, n, BestOfN.klBound(n), kl, proxyPicked.mean(), proxyPicked.se(), goldPicked.mean(), goldPicked.se());
    }

    private static List<NoKl.Point> relabel(List<NoKl.Point> points, String label) {
        return points.stream().map(p -> new NoKl.Point(label + ", PPO β=0", p.seed(), p.update(), p.beta(), p.eval())).toList();
    }

}
