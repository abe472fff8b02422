package anchor.cli;

import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "tokenize", description = "Encode TEXT with GPT-2's byte-level BPE.")
final class TokenizeCommand implements Runnable {
    @Mixin
    Common common;
    @Parameters(paramLabel = "TEXT")
    String text;
    @Option(names = "--model", paramLabel = "DIR", description = "Use the tokenizer files of this directory when present.")
    Path model;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Gpt2Tokenizer tok = Gpt2Tokenizer.forModel(model);
        int[] ids = tok.encode(text);
        var out = spec.commandLine().getOut();
        if (common.json) {
            Common.printJson(out, Map.of("ids", ids));
            return;
        }
        for (int id : ids) out.printf("%6d  %s%n", id, tok.token(id));
        out.println(java.util.Arrays.toString(ids));
    }
}
