package anchor.cli;

import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "decode", description = "Decode token IDS (e.g. 15496,11,703) to text.")
final class DecodeCommand implements Runnable {
    @Mixin
    Common common;
    @Parameters(paramLabel = "IDS")
    String ids;
    @Option(names = "--model", paramLabel = "DIR", description = "Use the tokenizer files of this directory when present.")
    Path model;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        String text = Gpt2Tokenizer.forModel(model).decode(Common.parseIds(ids, "IDS"));
        if (common.json) Common.printJson(spec.commandLine().getOut(), Map.of("text", text));
        else spec.commandLine().getOut().println(text);
    }
}
