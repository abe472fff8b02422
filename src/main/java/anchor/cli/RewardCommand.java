package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.data.PreferencePair;
import anchor.data.PromptResponse;
import anchor.world.RewardReport;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.reward.RewardModel;
import anchor.reward.RewardRun;
import anchor.reward.RewardTrainer;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "reward", description = "The reward model of PPO: train one on preference pairs, evaluate it, score a response.",
        subcommands = {RewardCommand.Train.class, RewardCommand.Eval.class, RewardCommand.Score.class})
final class RewardCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "train", description = "Train a Bradley–Terry reward model (TRL's RewardTrainer loss) from an SFT trunk; normalised on the trunk's samples.")
    static final class Train implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--init", paramLabel = "DIR", description = "The trunk, an SFT model (default: the world's).")
        Path init;
        @Option(names = "--data", paramLabel = "FILE.jsonl", description = "TRL preference pairs (default: the world's 512 training pairs).")
        Path data;
        @Option(names = "--train-size", description = "Use only the first N pairs (default: all).")
        Integer trainSize;
        @Option(names = "--steps", defaultValue = "200")
        int steps;
        @Option(names = "--batch", defaultValue = "16", description = "Pairs per step (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--lr", defaultValue = "1e-4", description = "AdamW's learning rate, decaying linearly to 0 (default ${DEFAULT-VALUE}).")
        double lr;
        @Option(names = "--center-rewards-coefficient", defaultValue = "0", description = "TRL's centering term c·(r_c + r_r)² (default 0: off).")
        double center;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Option(names = "--save-every", defaultValue = "50")
        int saveEvery;
        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;
        @Option(names = "--out", defaultValue = "runs/reward", paramLabel = "DIR", description = "Run directory; the model is written to DIR/model.")
        Path out;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            var err = spec.commandLine().getErr();
            Common.refuseOutOverInputs(out, "--init", Common.str(init));
            if (data == null) err.println("anchor: --data not given: using the world's preference data");
            List<PreferencePair> pairs = data == null ? World.trainPairs() : Common.preferences(data, err);
            if (trainSize != null) {
                if (trainSize < 1) throw new AnchorException("--train-size must be >= 1, got " + trainSize);
                pairs = pairs.subList(0, Math.min(trainSize, pairs.size()));
            }
            var s = RewardTrainer.Settings.DEFAULTS.withSteps(steps).withBatch(batch).withLr(lr).withCenterCoefficient(center).withSeed(seed);
            Gpt2Weights trunk = HfCheckpoint.load(Common.modelDir(init, "--init", err)).withoutScoreHead();
            var in = new RewardRun.Inputs(trunk, init == null ? World.sftId() : init.toAbsolutePath().toString(), pairs,
                    data == null ? "world" : data.toAbsolutePath().toString() + (trainSize == null ? "" : "[:" + trainSize + "]"), Common.tokenizer(init));
            RewardRun.Outcome r = RewardRun.train(in, s, out, saveEvery, !noProgress, err);
            Map<String, Object> last = new LinkedHashMap<>(r.result().last());
            last.put("gain", r.normalization().gain());
            last.put("bias", r.normalization().bias());
            var o = spec.commandLine().getOut();
            o.printf(java.util.Locale.ROOT, "trained %d steps on %d pairs; last loss %.4f, batch accuracy %.2f; normalised r = %.4f·score %+.4f%n",
                    steps, pairs.size(), last.get("loss"), last.get("accuracy"), r.normalization().gain(), r.normalization().bias());
            o.printf("model in %s/model (GPT2ForSequenceClassification + %s); metrics in %s/metrics.jsonl%n", out, RewardModel.NORMALIZATION, out);
            if (common.json) Common.printJson(o, last);
        }
    }

    @Command(name = "eval", description = "Held-out accuracy beside the gold reward's own, and the correlation with the gold reward on SFT samples (the world).")
    static final class Eval implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A reward model directory.")
        Path model;
        @Option(names = "--data", paramLabel = "FILE.jsonl", description = "Held-out pairs (default: the world's 128).")
        Path data;
        @Option(names = "--samples", defaultValue = "128", description = "SFT samples for the gold correlation (default ${DEFAULT-VALUE}).")
        int samples;
        @Option(names = "--seed", defaultValue = "7")
        long seed;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (samples < 2) throw new AnchorException("--samples must be >= 2 (a correlation needs two), got " + samples);
            Gpt2Model rm = rewardModel(model);
            List<PreferencePair> pairs = data == null ? World.heldOutPairs() : Common.preferences(data, spec.commandLine().getErr());
            RewardReport.Report r = RewardReport.of(rm, pairs, samples, seed);
            var o = spec.commandLine().getOut();
            String noGold = "not available: the pairs carry no gold rewards", flat = "not defined: the samples' scores or gold rewards are all equal";
            o.printf(java.util.Locale.ROOT, "accuracy on %d held-out pairs: %.3f (the gold reward on the same pairs: %s); correlation with gold on %d SFT samples: %s%n",
                    r.pairs(), r.accuracy(), Double.isNaN(r.goldAccuracy()) ? noGold : String.format(java.util.Locale.ROOT, "%.3f", r.goldAccuracy()),
                    r.samples(), Double.isNaN(r.goldCorrelation()) ? flat : String.format(java.util.Locale.ROOT, "%.3f", r.goldCorrelation()));
            if (common.json) {
                Map<String, Object> j = new java.util.LinkedHashMap<>();
                j.put("accuracy", r.accuracy());
                j.put("gold_accuracy", Double.isNaN(r.goldAccuracy()) ? null : r.goldAccuracy());
                if (Double.isNaN(r.goldAccuracy())) j.put("gold_accuracy_reason", noGold);
                j.put("gold_correlation", Double.isNaN(r.goldCorrelation()) ? null : r.goldCorrelation());
                if (Double.isNaN(r.goldCorrelation())) j.put("gold_correlation_reason", flat);
                Common.printJson(o, j);
            }
        }
    }

    @Command(name = "score", description = "The normalised reward of one response to a prompt (read at the <|endoftext|> that ends it).")
    static final class Score implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--model", required = true, paramLabel = "DIR")
        Path model;
        @Option(names = "--prompt", required = true)
        String prompt;
        @Option(names = "--response", required = true)
        String response;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Gpt2Model rm = rewardModel(model);
            Gpt2Tokenizer tok = Gpt2Tokenizer.forModel(model);
            int[] ids = PromptResponse.ids(tok.encode(prompt), tok.encode(response), rm.config().eotId());
            var n = RewardModel.normalization(model);
            double raw = RewardModel.scores(rm, List.of(ids), 1)[0], r = n.apply(raw);
            var o = spec.commandLine().getOut();
            if (n.equals(RewardModel.Normalization.IDENTITY)) o.printf(java.util.Locale.ROOT, "reward %.6f%n", r);
            else o.printf(java.util.Locale.ROOT, "reward %.6f (raw score %.6f, normalised with the stored gain and bias)%n", r, raw);
            if (common.json) Common.printJson(o, Map.of("reward", r, "raw_score", raw));
        }
    }

    static Gpt2Model rewardModel(Path dir) {
        return Gpt2Model.frozen(RewardModel.load(dir));
    }
}
