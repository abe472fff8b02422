package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.world.PreferenceData;
import anchor.world.World;
import anchor.world.WorldEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

@Command(name = "eval", description = "Evaluate a policy in the world: gold reward, win rate vs SFT, sampled KL, grammar, diversity, reference perplexity.")
final class WorldEvalCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--policy", paramLabel = "DIR", description = "Default: the world's SFT model.")
    Path policyDir;
    @Option(names = "--reference", paramLabel = "DIR", description = "Default: the world's SFT model.")
    Path referenceDir;
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
        Common.refuseNonLanguageModels("--policy", Common.str(policyDir), "--reference", Common.str(referenceDir));
        Gpt2Model sft = Gpt2Model.of(World.sftWeights());
        Gpt2Model policy = policyDir == null ? sft : Gpt2Model.of(HfCheckpoint.load(policyDir));
        Gpt2Model reference = (referenceDir == null ? sft : Gpt2Model.of(HfCheckpoint.load(referenceDir))).frozenCopy();
        Common.modelDir(policyDir, "--policy", err);
        Common.modelDir(referenceDir, "--reference", err);
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
