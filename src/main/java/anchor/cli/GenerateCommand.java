package anchor.cli;

import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "generate", description = "Continue a prompt: greedy, temperature, top-k, top-p; seeded.")
final class GenerateCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Option(names = "--prompt", required = true)
    String prompt;
    @Option(names = "--max-new-tokens", defaultValue = "40")
    int maxNewTokens;
    @Option(names = "--temperature", defaultValue = "1.0", description = "0 = greedy (default ${DEFAULT-VALUE}).")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "0 = off.")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "1 = off.")
    double topP;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Option(names = "--no-eot-prefix", description = "Do not start the prompt with <|endoftext|> (GPT-2's document separator, which marks a document start).")
    boolean noEotPrefix;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Gpt2Model model = Gpt2Model.of(modelOptions.load(spec.commandLine().getErr()));
        Gpt2Tokenizer tok = modelOptions.tokenizer();
        Generator.Settings s = new Generator.Settings(maxNewTokens, temperature, topK, topP, seed, true);
        int[] encoded = tok.encode(prompt);
        int[] promptIds = encoded;
        if (!noEotPrefix) {
            promptIds = new int[encoded.length + 1];
            promptIds[0] = model.config().eotId();
            System.arraycopy(encoded, 0, promptIds, 1, encoded.length);
        }
        int[] ids = Generator.generate(model, promptIds, s);
        String text = tok.decode(ids);
        var out = spec.commandLine().getOut();
        if (common.json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("prompt_ids", promptIds);
            r.put("ids", ids);
            r.put("text", text);
            Common.printJson(out, r);
        } else {
            out.println(prompt + text);
        }
    }
}
