package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Weights;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Which model a command uses: a Hugging Face directory, or a preset with GPT-2's seeded random init. */
class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR", description = "A Hugging Face GPT-2 directory (config.json + model.safetensors).")
    Path model;

    @Option(names = "--config", paramLabel = "NAME", description = "A preset with seeded random weights: gpt2, gpt2-medium, gpt2-large, gpt2-xl, gpt2-tiny.")
    String config;

    @Option(names = "--init-seed", defaultValue = "0", description = "Seed of the random init with --config (default ${DEFAULT-VALUE}).")
    long initSeed;

    Gpt2Weights load(PrintWriter err) {
        if (model != null && config != null) throw new AnchorException("give either --model or --config, not both");
        if (model != null) {
            HfCheckpoint.Loaded l = HfCheckpoint.loadWithReport(model);
            if (!l.report().unexpectedKeys().isEmpty()) {
                err.println("anchor: warning: " + model + " holds tensors GPT-2 does not use, ignored: " + l.report().unexpectedKeys());
            }
            return l.weights();
        }
        if (config != null) {
            err.println("anchor: using " + config + " with seeded random weights (GPT-2 init, seed " + initSeed + "), not trained weights");
            return Gpt2Init.random(Gpt2Config.preset(config), initSeed);
        }
        err.println("anchor: no --model or --config given: using the embedded world's SFT model (see chapters/03-world.md)");
        model = anchor.world.World.sftDirectory();
        return HfCheckpoint.load(model);
    }

    Gpt2Tokenizer tokenizer() {
        return Gpt2Tokenizer.forModel(model);
    }
}
