package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Weights;
import anchor.tokenizer.Gpt2Tokenizer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code --policy} and {@code --reference} of the commands that read one pair of language models (dpo-loss, kl,
 * ppo-explain, world eval), each the world's SFT model when not given: the two options and the one way they are
 * checked and loaded.
 */
final class PolicyAndReference {
    @Option(names = "--policy", paramLabel = "DIR", description = "Default: the world's SFT model.")
    Path policy;
    @Option(names = "--reference", paramLabel = "DIR", description = "Default: the world's SFT model.")
    Path reference;

    /** Refuses a reward or value model given as either, in one line naming the option. */
    void refuseNonLanguageModels() {
        Common.refuseNonLanguageModels("--policy", Common.str(policy), "--reference", Common.str(reference));
    }

    /** The policy's weights (the world's SFT model when not given, said on {@code err}). */
    Gpt2Weights policyWeights(PrintWriter err) {
        return HfCheckpoint.load(Common.modelDir(policy, "--policy", err));
    }

    /** The reference's weights (the world's SFT model when not given, said on {@code err}). */
    Gpt2Weights referenceWeights(PrintWriter err) {
        return HfCheckpoint.load(Common.modelDir(reference, "--reference", err));
    }

    /** The policy's tokenizer (the world's when not given). */
    Gpt2Tokenizer tokenizer() {
        return Common.tokenizer(policy);
    }
}
