package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.world.PreferenceData;
import anchor.world.World;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

@Command(name = "data", description = "Make the world's preference data (TRL JSONL: prompt, chosen, rejected), train and held-out splits.")
final class WorldDataCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--model", paramLabel = "DIR", description = "The model that samples the responses (default: the world's SFT model).")
    Path model;
    @Option(names = "--out", defaultValue = "runs/world-data", paramLabel = "DIR")
    Path out;
    @Option(names = "--train", defaultValue = "512")
    int train;
    @Option(names = "--held-out", defaultValue = "128")
    int heldOut;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (train < 1) throw new anchor.AnchorException("--train must be >= 1, got " + train);
        if (heldOut < 0) throw new anchor.AnchorException("--held-out must be >= 0, got " + heldOut);
        Gpt2Model sft = Gpt2Model.of(HfCheckpoint.load(Common.modelDir(model, "--model", spec.commandLine().getErr())));
        List<anchor.data.PreferencePair> tr = PreferenceData.generate(sft, World.TRAIN_PROMPT_SEED, train);
        List<anchor.data.PreferencePair> ho = PreferenceData.generate(sft, World.HELD_OUT_PROMPT_SEED, heldOut);
        anchor.data.PreferenceJsonl.write(tr, out.resolve("train.jsonl"));
        anchor.data.PreferenceJsonl.write(ho, out.resolve("held_out.jsonl"));
        long agree = tr.stream().filter(p -> p.chosenGold() > p.rejectedGold()).count();
        var o = spec.commandLine().getOut();
        o.printf("wrote %d train and %d held-out pairs to %s; %.1f%% of train labels agree with the higher gold reward%n",
                tr.size(), ho.size(), out, 100.0 * agree / tr.size());
        if (common.json) Common.printJson(o, Map.of("train", tr.size(), "held_out", ho.size(), "out", out.toString()));
    }
}
