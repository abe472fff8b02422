package anchor.cli;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.kl.KlEstimators;
import anchor.ppo.PpoModels;
import anchor.ppo.ValueModel;
import anchor.ppo.RolloutScores;
import anchor.reward.RewardModel;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

@Command(name = "ppo-explain", description = "Steps 2–4 of a PPO update for one given response, per token: log-probs, KL, shaped rewards, values, GAE advantages, returns.")
final class PpoExplainCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    PolicyAndReference models;
    @Option(names = "--reward-model", paramLabel = "DIR", description = "A GPT2ForSequenceClassification directory (anchor reward train). Default: the world's, as anchor ppo takes it (trained once into the per-user cache).")
    Path rewardDir;
    @Option(names = "--value-model", required = true, paramLabel = "DIR", description = "Required: a GPT2ForSequenceClassification directory — a PPO run's out/value, or the reward model itself (where a run's value model starts by default).")
    Path valueDir;
    @Option(names = "--prompt-ids", required = true, description = "Prompt token ids, comma-separated.")
    String promptIds;
    @Option(names = "--response-ids", required = true, description = "Response token ids as given (include <|endoftext|> yourself: 50256 in GPT-2's vocabulary, the last id of the model's); cut after the first one.")
    String responseIds;
    @Option(names = "--kl-coef", defaultValue = "0.05", description = "β of the shaped reward (default ${DEFAULT-VALUE}).")
    double klCoef;
    @Option(names = "--kl-estimator", defaultValue = "k1", description = "k1 or k3 (default ${DEFAULT-VALUE}).")
    String estimator;
    @Option(names = "--gamma", defaultValue = "1.0", description = "GAE's discount γ (default ${DEFAULT-VALUE}).")
    double gamma;
    @Option(names = "--lam", defaultValue = "0.95", description = "GAE's λ (default ${DEFAULT-VALUE}).")
    double lam;
    @Option(names = "--temperature", defaultValue = "0.7", description = "Log-probs from logits / T (default ${DEFAULT-VALUE}).")
    double temperature;
    @Option(names = "--missing-eos-penalty", description = "Subtracted from the score when the response has no <|endoftext|> (default: none).")
    Double missingEosPenalty;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        String est = estimator.toLowerCase(Locale.ROOT);
        if (!est.equals("k1") && !est.equals("k3")) throw new AnchorException("unknown --kl-estimator '" + estimator + "' (k1 or k3)");
        var s = new RolloutScores.Settings(klCoef, KlEstimators.Estimator.valueOf(est.toUpperCase(Locale.ROOT)), gamma, lam, temperature,
                missingEosPenalty == null ? Double.NaN : missingEosPenalty);
        int[] prompt = Common.parseIds(promptIds, "--prompt-ids"), response = Common.parseIds(responseIds, "--response-ids");
        PrintWriter err = spec.commandLine().getErr(), out = spec.commandLine().getOut();
        models.refuseNonLanguageModels();
        Gpt2Model policy = Gpt2Model.of(models.policyWeights(err).withoutScoreHead());
        var reference = anchor.reference.ReferenceModel.create(models.referenceWeights(err).withoutScoreHead(),
                anchor.reference.ReferenceModel.Placement.FP32);
        Path rewardPath = rewardDir != null ? rewardDir : anchor.world.WorldRewardModel.cached(err);
        Gpt2Model reward = RewardCommand.rewardModel(rewardPath), value = RewardCommand.rewardModel(valueDir);
        for (int id : prompt) if (id < 0 || id >= policy.config().vocabSize()) throw new AnchorException("--prompt-ids: token id " + id + " is outside the vocabulary");
        for (int id : response) if (id < 0 || id >= policy.config().vocabSize()) throw new AnchorException("--response-ids: token id " + id + " is outside the vocabulary");
        var four = new PpoModels(policy, reference, reward, RewardModel.normalization(rewardPath), new ValueModel.Separate(value));
        RolloutScores.Scored e = RolloutScores.of(four, prompt, response, s);
        if (common.json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("logprobs", e.logprobs());
            j.put("ref_logprobs", e.refLogprobs());
            j.put("kl", e.kl());
            j.put("score", e.score());
            j.put("rewards", e.rewards());
            j.put("values", e.values());
            j.put("advantages", e.advantages());
            j.put("returns", e.returns());
            Common.printJson(out, j);
            return;
        }
        Gpt2Tokenizer tok = models.tokenizer();
        out.printf("score r(x, y) = %.6f (normalised%s); β = %s, %s KL, γ = %s, λ = %s, T = %s%n", e.score(),
                missingEosPenalty == null ? "" : ", minus " + missingEosPenalty + " if no <|endoftext|>", klCoef, est, gamma, lam, temperature);
        out.printf("%3s %7s %-14s %11s %11s %10s %11s %10s %11s %11s%n", "t", "id", "token", "log π", "log π_ref", "kl", "reward", "value", "advantage", "return");
        for (int t = 0; t < e.responseIds().length; t++) {
            out.printf("%3d %7d %-14s %11.6f %11.6f %10.6f %11.6f %10.6f %11.6f %11.6f%n", t, e.responseIds()[t], tok.token(e.responseIds()[t]),
                    e.logprobs()[t], e.refLogprobs()[t], e.kl()[t], e.rewards()[t], e.values()[t], e.advantages()[t], e.returns()[t]);
        }
        out.println("reward = −β·kl, plus the score on the last token; advantage = GAE before whitening; return = advantage + value");
    }
}
