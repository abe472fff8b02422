package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.exact.ExactBestOfN;
import anchor.exact.ExactDistribution;
import anchor.exact.ExactEstimators;
import anchor.exact.ExactObjective;
import anchor.exact.ExactOptimum;
import anchor.exact.ExactReward;
import anchor.exact.Responses;
import anchor.gpt2.Gpt2Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "exact", description = "The exact world (chapter 7): quantities summed over every response instead of estimated from samples.",
        subcommands = {ExactCommand.Kl.class, ExactCommand.Estimators.class, ExactKlGradientsCommand.class, ExactCommand.Optimum.class, ExactCommand.BestOfN.class, ExactDpoCommand.class})
final class ExactCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "kl", description = "The sequence-level KL(policy || reference) = Σ_y π(y)·log(π(y)/π_ref(y)) over every response of at most --max-len tokens, in float64.")
    static final class Kl implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--policy", required = true, paramLabel = "DIR", description = "A small GPT-2 (anchor init --config gpt2-exact makes one).")
        Path policyDir;
        @Option(names = "--reference", required = true, paramLabel = "DIR")
        Path referenceDir;
        @Option(names = "--prompt", description = "Prompt token ids, comma-separated (default: the model's <|endoftext|>, its last id).")
        String prompt;
        @Option(names = "--max-len", defaultValue = "4", description = "L: a response ends at its first <|endoftext|> or is cut at L tokens (default ${DEFAULT-VALUE}).")
        int maxLen;
        @Option(names = "--temperature", defaultValue = "1.0", description = "Both distributions from logits / T (default ${DEFAULT-VALUE}).")
        double temperature;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("--temperature must be a finite number > 0, got " + temperature);
            Pair pr = Pair.load(policyDir, referenceDir, false);
            Gpt2Model policy = pr.policy(), reference = pr.reference();
            int vocab = policy.config().vocabSize();
            int[] x = prompt == null ? new int[]{policy.config().eotId()} : Common.parseIds(prompt, "--prompt");
            for (int id : x) if (id < 0 || id >= vocab) throw new AnchorException("--prompt: token id " + id + " is outside the vocabulary (" + vocab + " ids)");
            ExactDistribution.checkFits(policy.config(), x.length, maxLen);                     // before listing what would not fit
            List<int[]> ys = Responses.all(vocab, maxLen);
            ExactDistribution.Kl kl = ExactDistribution.of(policy, x, ys, temperature).klTo(ExactDistribution.of(reference, x, ys, temperature));
            if (common.json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("kl", kl.kl());
                j.put("responses", kl.responses());
                j.put("total_probability", kl.totalProbability());
                Common.printJson(spec.commandLine().getOut(), j);
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "KL(policy || reference) = %.9f nats per response, summed over all %,d responses of at most %d tokens (Σ π(y) = %.9f)%n",
                        kl.kl(), kl.responses(), maxLen, kl.totalProbability());
            }
        }
    }

    /**
     * The policy and reference of an exact-world command, checked as language models of one vocabulary; the policy
     * trainable where its gradient is asked ({@code trainable}), frozen otherwise.
     */
    record Pair(Gpt2Model policy, Gpt2Model reference) {
        static Pair load(Path policyDir, Path referenceDir, boolean trainable) {
            Common.refuseNonLanguageModels("--policy", Common.str(policyDir), "--reference", Common.str(referenceDir));
            var pw = HfCheckpoint.load(policyDir);
            Gpt2Model policy = trainable ? Gpt2Model.of(pw) : Gpt2Model.frozen(pw), reference = Gpt2Model.frozen(HfCheckpoint.load(referenceDir));
            if (policy.config().vocabSize() != reference.config().vocabSize()) {
                throw new AnchorException("policy and reference vocabularies differ (" + policy.config().vocabSize() + " vs " + reference.config().vocabSize() + ")");
            }
            return new Pair(policy, reference);
        }
    }

    /** One model's distribution over every response of at most {@code maxLen} tokens to its <|endoftext|> prompt, at T = 1. */
    static ExactDistribution distribution(Path dir, String flag, int maxLen) {
        Common.refuseNonLanguageModels(flag, Common.str(dir));
        Gpt2Model m = Gpt2Model.frozen(HfCheckpoint.load(dir));
        int[] x = {m.config().eotId()};
        ExactDistribution.checkFits(m.config(), x.length, maxLen);
        return ExactDistribution.of(m, x, Responses.all(m.config().vocabSize(), maxLen), 1.0);
    }

    @Command(name = "optimum", description = "π* = π_ref·exp(r/β)/Z for the exact world's reward (+1 per token 0, −0.1 per token), exactly: log Z, J(π*) = β·log Z, E_π*[r] and KL(π* || π_ref) for each β.")
    static final class Optimum implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--reference", required = true, paramLabel = "DIR")
        Path referenceDir;
        @Option(names = "--betas", defaultValue = "0.1,0.3,1,3", split = ",", description = "β values (default ${DEFAULT-VALUE}).")
        double[] betas;
        @Option(names = "--max-len", defaultValue = "4")
        int maxLen;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            for (double b : betas) if (!(b > 0) || Double.isInfinite(b)) throw new AnchorException("--betas: each β must be a finite number > 0, got " + b);
            ExactDistribution ref = distribution(referenceDir, "--reference", maxLen);
            double[] r = ExactReward.DEFAULT.of(ref.responses());
            var rows = new java.util.ArrayList<Map<String, Object>>();
            var out = spec.commandLine().getOut();
            if (!common.json) out.printf("%8s %10s %10s %10s %12s%n", "β", "log Z", "J(π*)", "E_π*[r]", "KL(π*||ref)");
            for (double b : betas) {
                ExactOptimum star = ExactOptimum.of(ref, r, b);
                ExactObjective j = ExactObjective.of(star.distribution(), ref, r, b);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("beta", b);
                row.put("log_z", star.logZ());
                row.put("objective", star.maximum());
                row.put("expected_reward", j.expectedReward());
                row.put("kl", j.kl());
                rows.add(row);
                if (!common.json) out.printf(Locale.ROOT, "%8.3g %10.5f %10.5f %10.5f %12.5f%n", b, star.logZ(), star.maximum(), j.expectedReward(), j.kl());
            }
            if (common.json) Common.printJson(out, Map.of("responses", ref.responses().size(), "optimum", rows));
        }
    }

    @Command(name = "best-of-n", description = "Best-of-n of a policy under the exact world's reward, exactly: KL(π_n || π) beside log n − (n−1)/n, E[r] and the win rate against π (ties count half).")
    static final class BestOfN implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--policy", required = true, paramLabel = "DIR")
        Path policyDir;
        @Option(names = "--n", defaultValue = "1,2,4,16,64", split = ",", description = "n values (default ${DEFAULT-VALUE}).")
        int[] ns;
        @Option(names = "--max-len", defaultValue = "4")
        int maxLen;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            for (int n : ns) if (n < 1) throw new AnchorException("--n: each n must be >= 1, got " + n);
            ExactDistribution pi = distribution(policyDir, "--policy", maxLen);
            double[] r = ExactReward.DEFAULT.of(pi.responses());
            var rows = new java.util.ArrayList<Map<String, Object>>();
            var out = spec.commandLine().getOut();
            if (!common.json) out.printf("%6s %12s %16s %10s %14s%n", "n", "KL(π_n||π)", "log n − (n−1)/n", "E[r]", "win rate vs π");
            for (int n : ns) {
                ExactDistribution best = ExactBestOfN.of(pi, r, n);
                double kl = best.klTo(pi).kl(), er = ExactObjective.of(best, pi, r, 0).expectedReward(), win = ExactBestOfN.winRate(best, pi, r);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("n", n);
                row.put("kl", kl);
                row.put("kl_formula", ExactBestOfN.klFormula(n));
                row.put("expected_reward", er);
                row.put("win_rate", win);
                rows.add(row);
                if (!common.json) out.printf(Locale.ROOT, "%6d %12.5f %16.5f %10.5f %14.5f%n", n, kl, ExactBestOfN.klFormula(n), er, win);
            }
            if (common.json) Common.printJson(out, Map.of("responses", pi.responses().size(), "best_of_n", rows));
        }
    }

    @Command(name = "estimators", description = "k1, k2, k3 of KL(policy || reference) at T = 1 on responses sampled at --temperature, exactly: each one's mean, bias and standard deviation per response, and the responses a mean needs for a standard error of 0.01.")
    static final class Estimators implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--policy", required = true, paramLabel = "DIR")
        Path policyDir;
        @Option(names = "--reference", required = true, paramLabel = "DIR")
        Path referenceDir;
        @Option(names = "--temperature", defaultValue = "1.0", description = "The sampling temperature; the KL is taken at T = 1 (default ${DEFAULT-VALUE}).")
        double temperature;
        @Option(names = "--max-len", defaultValue = "4")
        int maxLen;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("--temperature must be a finite number > 0, got " + temperature);
            Pair pr = Pair.load(policyDir, referenceDir, false);
            Gpt2Model policy = pr.policy(), reference = pr.reference();
            int[] x = {policy.config().eotId()};
            ExactDistribution.checkFits(policy.config(), x.length, maxLen);
            var moments = ExactEstimators.of(policy, reference, x, Responses.all(policy.config().vocabSize(), maxLen), temperature);
            var out = spec.commandLine().getOut();
            if (common.json) {
                var rows = new java.util.ArrayList<Map<String, Object>>();
                for (var m : moments) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("estimator", m.estimator().name().toLowerCase(Locale.ROOT));
                    row.put("mean", m.mean());
                    row.put("bias", m.bias());
                    row.put("sd", m.sd());
                    row.put("samples_for_se_0.01", m.samplesFor(0.01));
                    rows.add(row);
                }
                Common.printJson(out, Map.of("kl", moments.get(0).kl(), "sampling_temperature", temperature, "estimators", rows));
                return;
            }
            out.printf(Locale.ROOT, "KL(policy || reference) at T = 1: %.6f nats per response; responses sampled at T = %s%n", moments.get(0).kl(), temperature);
            out.printf("%10s %12s %12s %12s %22s%n", "estimator", "mean", "bias", "sd", "responses for SE 0.01");
            for (var m : moments) {
                out.printf(Locale.ROOT, "%10s %12.6f %+12.6f %12.6f %22d%n", m.estimator().name().toLowerCase(Locale.ROOT), m.mean(), m.bias(), m.sd(), m.samplesFor(0.01));
            }
        }
    }
}
