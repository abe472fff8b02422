package anchor.cli;

import anchor.AnchorException;
import anchor.checkpoint.HfCheckpoint;
import anchor.exact.ExactDistribution;
import anchor.exact.Responses;
import anchor.gpt2.Gpt2Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "exact", description = "The exact world (chapter 7): quantities summed over every response instead of estimated from samples.",
        subcommands = {ExactCommand.Kl.class})
final class ExactCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "kl", description = "The sequence-level KL(policy || reference) = Σ_y π(y)·log(π(y)/π_ref(y)) over every response of at most --max-len tokens, in float64.")
    static final class Kl implements Runnable {
        @Mixin
        Common common;
        @Option(names = "--policy", required = true, paramLabel = "DIR", description = "A small GPT-2 (anchor init --config gpt2-exact makes one).")
        Path policyDir;
        @Option(names = "--reference", required = true, paramLabel = "DIR")
        Path referenceDir;
        @Option(names = "--prompt", description = "Prompt token ids, comma-separated (default: the model's <|endoftext|>, its last id).")
        String prompt;
        @Option(names = "--max-len", defaultValue = "4", description = "L: a response ends at its first <|endoftext|> or is cut at L tokens (default ${DEFAULT-VALUE}).")
        int maxLen;
        @Option(names = "--temperature", defaultValue = "1.0", description = "Both distributions from logits / T (default ${DEFAULT-VALUE}).")
        double temperature;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (!(temperature > 0) || Double.isInfinite(temperature)) throw new AnchorException("--temperature must be a finite number > 0, got " + temperature);
            Common.refuseNonLanguageModels("--policy", Common.str(policyDir), "--reference", Common.str(referenceDir));
            Gpt2Model policy = Gpt2Model.frozen(HfCheckpoint.load(policyDir)), reference = Gpt2Model.frozen(HfCheckpoint.load(referenceDir));
            if (policy.config().vocabSize() != reference.config().vocabSize()) {
                throw new AnchorException("policy and reference vocabularies differ (" + policy.config().vocabSize() + " vs " + reference.config().vocabSize() + ")");
            }
            int vocab = policy.config().vocabSize();
            int[] x = prompt == null ? new int[]{policy.config().eotId()} : Common.parseIds(prompt, "--prompt");
            for (int id : x) if (id < 0 || id >= vocab) throw new AnchorException("--prompt: token id " + id + " is outside the vocabulary (" + vocab + " ids)");
            ExactDistribution.checkFits(policy.config(), x.length, maxLen);                     // before listing what would not fit
            List<int[]> ys = Responses.all(vocab, maxLen);
            ExactDistribution.Kl kl = ExactDistribution.of(policy, x, ys, temperature).klTo(ExactDistribution.of(reference, x, ys, temperature));
            if (common.json) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("kl", kl.kl());
                j.put("responses", kl.responses());
                j.put("total_probability", kl.totalProbability());
                Common.printJson(spec.commandLine().getOut(), j);
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "KL(policy || reference) = %.9f nats per response, summed over all %,d responses of at most %d tokens (Σ π(y) = %.9f)%n",
                        kl.kl(), kl.responses(), maxLen, kl.totalProbability());
            }
        }
    }
}
