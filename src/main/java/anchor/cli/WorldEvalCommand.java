package anchor.cli;

import anchor.gpt2.Gpt2Model;
import anchor.world.PreferenceData;
import anchor.world.World;
import anchor.world.WorldEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


@Command(name = "eval", description = "Evaluate a policy in the world: gold reward, win rate vs SFT, sampled KL, grammar, diversity, reference perplexity.")
final class WorldEvalCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    PolicyAndReference models;
    @Option(names = "--prompts", defaultValue = "128", description = "Held-out prompts, one sample each (default ${DEFAULT-VALUE}).")
    int prompts;
    @Option(names = "--seed", defaultValue = "7")
    long seed;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (prompts < 1) throw new anchor.AnchorException("--prompts must be >= 1, got " + prompts);
        var err = spec.commandLine().getErr();
        models.refuseNonLanguageModels();
        Gpt2Model sft = Gpt2Model.of(World.sftWeights());                                     // the win rate's opponent, and the default of both
        Gpt2Model policy = models.policy == null ? sft : Gpt2Model.of(models.policyWeights(err));
        Gpt2Model reference = (models.reference == null ? sft : Gpt2Model.of(models.referenceWeights(err))).frozenCopy();
        Common.modelDir(models.policy, "--policy", err);                                      // the "not given" lines
        Common.modelDir(models.reference, "--reference", err);
        WorldEval.Report r = WorldEval.evaluate(policy, reference, sft, PreferenceData.prompts(World.HELD_OUT_PROMPT_SEED, prompts), seed);
        var out = spec.commandLine().getOut();
        out.printf("samples                 %d (± one standard error over the prompts)%n", r.samples());
        out.printf("gold reward, mean       %+.3f ± %.3f%n", r.goldMean(), r.goldSe());
        out.printf("win rate vs SFT (gold)  %.3f ± %.3f  (against another seed's SFT samples; not length-controlled)%n", r.winRateVsSft(), r.winRateSe());
        out.printf("response length         %.1f ± %.1f tokens%n", r.meanLength(), r.lengthSe());
        out.printf("sampled KL to reference %.4f ± %.4f nats/response%n", r.sampledKl(), r.sampledKlSe());
        out.printf("grammatical rate        %.3f ± %.3f%n", r.grammaticalRate(), r.grammaticalSe());
        out.printf("distinct-1 / distinct-2 %.3f / %.3f%n", r.distinct1(), r.distinct2());
        out.printf("unique responses        %.3f%n", r.uniqueRate());
        out.printf("reference perplexity   %.3f%n", r.referencePerplexity());
        if (common.json) Common.printJson(out, r);
    }
}
