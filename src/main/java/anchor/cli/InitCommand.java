package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.safetensors.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "init", description = "Write a randomly initialised GPT-2 (GPT-2's own init) as a Hugging Face directory.")
final class InitCommand implements Runnable {
    @Mixin
    Common common;
    @Option(names = "--config", required = true, description = "gpt2, gpt2-medium, gpt2-large, gpt2-xl, gpt2-tiny")
    String config;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;
    @Option(names = "--force", description = "Overwrite a model already in --out.")
    boolean force;
    @Option(names = "--dtype", defaultValue = "F32", description = "F32, F16 or BF16 storage (default ${DEFAULT-VALUE}).")
    String dtype;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        DType d = DType.parse(dtype.toUpperCase(java.util.Locale.ROOT), "--dtype");
        if (!force && (java.nio.file.Files.exists(out.resolve(anchor.checkpoint.HfCheckpoint.CONFIG)) || java.nio.file.Files.exists(out.resolve(anchor.checkpoint.HfCheckpoint.WEIGHTS)))) {
            throw new anchor.AnchorException(out + " already holds a model; give another --out, or --force to overwrite it");
        }
        var w = Gpt2Init.random(Gpt2Config.preset(config), seed);
        HfCheckpoint.save(w, out, d);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("out", out.toString());
        r.put("config", config);
        r.put("seed", seed);
        r.put("parameters", w.parameterCount());
        r.put("dtype", d.name());
        if (common.json) Common.printJson(spec.commandLine().getOut(), r);
        else spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters, seed %d, %s%n", out, config, w.parameterCount(), seed, d);
    }
}
