package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.world.WorldRewardModel;
import anchor.kl.KlEstimators;
import anchor.ppo.PpoInputs;
import anchor.ppo.KlController;
import anchor.ppo.PpoRun;
import anchor.ppo.PpoSettings;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.world.PreferenceData;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "ppo", showDefaultValues = true, description = "Train a policy with PPO against a reward model, anchored by the per-token KL penalty (defaults: the world).")
final class PpoCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--algorithm", defaultValue = "ppo", description = "ppo (a value model, GAE), grpo or rloo (no value model: --group-size responses per prompt are the baseline; chapters/06-ppo.md).")
    String algorithm;
    @Option(names = "--group-size", defaultValue = "4", description = "grpo, rloo: responses per prompt; --batch must be a multiple.")
    int groupSize;
    @Option(names = "--policy", paramLabel = "DIR", description = "Default: the world's SFT model.")
    Path policyDir;
    @Option(names = "--reference", paramLabel = "DIR", description = "Default: the policy's initial weights.")
    Path referenceDir;
    @Option(names = "--reference-dtype", defaultValue = "fp32", description = "fp32, fp16 (half-precision storage) or cpu (plain-Java float64 forward) for the frozen reference (document 1, \"The Memory Problem\").")
    String referenceDtype;
    @Option(names = "--kl-every", defaultValue = "1", paramLabel = "N", description = "Run the reference every N updates and hold the last mean per-token KL in between (document 1's option 3; 1: every update).")
    int klEvery;
    @Option(names = "--eval-every", paramLabel = "N", description = "Sample the evaluation prompts every N updates: eval/gold, eval/well_formed (grammatical), eval/kl, eval/distinct_2, eval/length (default: 10 with evaluation prompts, else 0 = never).")
    Integer evalEvery;
    @Option(names = "--eval-prompts", paramLabel = "FILE.jsonl", description = "Evaluation prompts (default: the world's 64 held-out prompts when --prompts is not given).")
    Path evalPromptsFile;
    @Option(names = "--reward-model", paramLabel = "DIR", description = "Default: the world's, trained once into a per-user cache ($ANCHOR_CACHE, else $XDG_CACHE_HOME/anchor or ~/.cache/anchor).")
    Path rewardDir;
    @Option(names = "--value-model", paramLabel = "DIR|shared", description = "Default: a copy of the reward model (TRL's design); shared: a zero scalar head on the policy's own trunk (Ziegler et al.).")
    String valueModel;
    @Option(names = "--prompts", paramLabel = "FILE.jsonl", description = "JSONL with a \"prompt\" field per line (default: the world's 512 training prompts).")
    Path promptsFile;
    @Option(names = "--steps", defaultValue = "50", description = "PPO updates.")
    int steps;
    @Option(names = "--batch", defaultValue = "16", description = "Rollouts per update.")
    int batch;
    @Option(names = "--ppo-epochs", defaultValue = "4")
    int ppoEpochs;
    @Option(names = "--mini-batches", defaultValue = "1")
    int miniBatches;
    @Option(names = "--lr", defaultValue = "1e-5")
    double lr;
    @Option(names = "--kl-coef", defaultValue = "0.05", description = "β of the KL penalty (the initial β with --target-kl; grpo: of k3 in the loss, rloo: of k1 in the reward).")
    double klCoef;
    @Option(names = "--target-kl", description = "Adaptive β (Ziegler et al.): the per-sequence KL to hold.")
    Double targetKl;
    @Option(names = "--horizon", defaultValue = "10000", description = "The adaptive controller's horizon.")
    double horizon;
    @Option(names = "--kl-estimator", defaultValue = "k1", description = "k1 or k3.")
    String estimator;
    @Option(names = "--temperature", defaultValue = "0.7")
    double temperature;
    @Option(names = "--response-length", defaultValue = "40")
    int responseLength;
    @Option(names = "--missing-eos-penalty")
    Double missingEosPenalty;
    @Option(names = "--whiten-rewards")
    boolean whitenRewards;
    @Option(names = "--gamma", defaultValue = "1.0")
    double gamma;
    @Option(names = "--lam", defaultValue = "0.95")
    double lam;
    @Option(names = "--cliprange", defaultValue = "0.2")
    double cliprange;
    @Option(names = "--cliprange-value", defaultValue = "0.2")
    double cliprangeValue;
    @Option(names = "--vf-coef", defaultValue = "0.1")
    double vfCoef;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--save-every", defaultValue = "10")
    int saveEvery;
    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;
    @Option(names = "--out", defaultValue = "runs/ppo", paramLabel = "DIR")
    Path out;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The critic-free trainer's settings, or null for PPO; options only PPO has are refused with them. */
    private anchor.ppo.GroupTrainer.Settings group() {
        String a = algorithm.toLowerCase(Locale.ROOT);
        if (a.equals("ppo")) return null;
        if (!a.equals("grpo") && !a.equals("rloo")) throw new AnchorException("unknown --algorithm '" + algorithm + "' (ppo, grpo or rloo)");
        if (valueModel != null) throw new AnchorException("--value-model: " + a + " has no value model");
        if (targetKl != null || klEvery != 1 || whitenRewards || !estimator.equalsIgnoreCase("k1")) {
            throw new AnchorException("--target-kl, --kl-every, --whiten-rewards and --kl-estimator are PPO's options, not " + a + "'s");
        }
        return new anchor.ppo.GroupTrainer.Settings(a.equals("grpo") ? anchor.ppo.GroupTrainer.Estimator.GRPO : anchor.ppo.GroupTrainer.Estimator.RLOO, groupSize, klCoef);
    }

    private boolean shared() {
        return "shared".equalsIgnoreCase(valueModel);
    }

    @Override
    public void run() {
        var group = group();                                                                   // refused before any model is loaded
        var err = spec.commandLine().getErr();
        Common.refuseOutOverInputs(out, "--policy", Common.str(policyDir), "--reference", Common.str(referenceDir),
                "--reward-model", Common.str(rewardDir), "--value-model", shared() ? null : valueModel);
        Common.refuseNonLanguageModels("--policy", Common.str(policyDir), "--reference", Common.str(referenceDir));
        String est = estimator.toLowerCase(Locale.ROOT);
        if (!est.equals("k1") && !est.equals("k3")) throw new AnchorException("unknown --kl-estimator '" + estimator + "' (k1 or k3)");
        PpoSettings s = PpoSettings.DEFAULTS.withSteps(steps).withBatch(batch).withPpoEpochs(ppoEpochs).withMiniBatches(miniBatches).withLr(lr)
                .withTemperature(temperature).withResponseLength(responseLength).withMissingEosPenalty(missingEosPenalty == null ? Double.NaN : missingEosPenalty)
                .withWhitenRewards(whitenRewards).withGae(gamma, lam).withClip(cliprange, cliprangeValue).withVfCoef(vfCoef).withKlEvery(klEvery).withSeed(seed);
        var placement = anchor.reference.ReferenceModel.Placement.parse(referenceDtype);
        KlController controller = targetKl == null ? KlController.fixed(klCoef) : KlController.adaptive(klCoef, targetKl, horizon);
        Gpt2Tokenizer tok = Common.tokenizer(policyDir);
        List<int[]> prompts = new ArrayList<>();
        if (promptsFile == null) {
            err.println("anchor: --prompts not given: using the world's 512 training prompts");
            for (String p : PreferenceData.prompts(World.TRAIN_PROMPT_SEED, 512)) prompts.add(tok.encode(p));
        } else {
            for (String p : anchor.data.PromptJsonl.read(promptsFile)) prompts.add(tok.encode(p));
        }
        List<int[]> evalPrompts = new ArrayList<>();
        if (evalPromptsFile != null) for (String p : anchor.data.PromptJsonl.read(evalPromptsFile)) evalPrompts.add(tok.encode(p));
        else if (promptsFile == null) for (String p : PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, 64)) evalPrompts.add(tok.encode(p));
        int every = evalEvery != null ? evalEvery : evalPrompts.isEmpty() ? 0 : 10;
        if (every > 0 && evalPrompts.isEmpty()) throw new AnchorException("--eval-every needs --eval-prompts FILE.jsonl (with --prompts given, there are no default evaluation prompts)");
        s = s.withEvalEvery(every);
        Path policyPath = Common.modelDir(policyDir, "--policy", err);
        // each model's weights are loaded when the models are built, and not kept
        var policy = new PpoInputs.Source(() -> HfCheckpoint.load(policyPath).withoutScoreHead(), policyDir == null ? World.sftId() : policyDir.toAbsolutePath().toString());
        PpoRun.checkMemory(anchor.gpt2.Gpt2Config.fromJson(policyPath.resolve("config.json")), prompts, s);   // before the world's reward model may be trained
        Path rm = rewardDir != null ? rewardDir : WorldRewardModel.cached(err);
        var reward = new PpoInputs.Source(() -> RewardModel.load(rm), rm.toAbsolutePath().toString());
        var value = shared() ? PpoInputs.ValueStart.SHARED_TRUNK : valueModel == null ? PpoInputs.ValueStart.REWARD_MODEL
                : new PpoInputs.ValueStart.Own(new PpoInputs.Source(() -> RewardModel.load(Path.of(valueModel)), Path.of(valueModel).toAbsolutePath().toString()));
        var in = PpoInputs.of(policy, reward, RewardModel.normalization(rm), prompts, promptsFile == null ? "world" : promptsFile.toAbsolutePath().toString())
                .withReferencePlacement(placement).withValue(value)
                .withEvaluation(promptsFile == null ? anchor.world.WorldJudge.INSTANCE : null, evalPrompts);
        if (referenceDir != null) {
            in = in.withReference(new PpoInputs.Source(() -> HfCheckpoint.load(referenceDir).withoutScoreHead(), referenceDir.toAbsolutePath().toString()));
        }
        PpoRun.Outcome r = PpoRun.train(in, s, controller, KlEstimators.Estimator.valueOf(est.toUpperCase(Locale.ROOT)), group, out, saveEvery, !noProgress, err);
        Map<String, Object> first = r.result().rows().get(0), last = r.result().last();
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "trained %d %s updates of %d rollouts; score %.3f → %.3f, KL per sequence %.3f → %.3f%s%n", steps, algorithm.toUpperCase(Locale.ROOT), batch,
                first.get("objective/scores"), last.get("objective/scores"), first.get("objective/kl"), last.get("objective/kl"),
                last.containsKey("objective/gold") ? String.format(Locale.ROOT, ", gold %.3f → %.3f", first.get("objective/gold"), last.get("objective/gold")) : "");
        o.printf("policy in %s/model%s; metrics in %s/metrics.jsonl; curves in reward.png, kl.png, loss.png%n", out,
                group == null ? ", value model in " + out + "/value" : "", out);
        if (common.json) Common.printJson(o, new LinkedHashMap<>(last));
    }
}
