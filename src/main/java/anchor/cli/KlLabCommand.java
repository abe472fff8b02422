package anchor.cli;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlLab;
import anchor.reference.DriftRun;
import anchor.tokenizer.Gpt2Tokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

@Command(name = "kl-lab", description = "Compare the k1/k2/k3 KL estimators with the exact KL at every position of a text.")
final class KlLabCommand implements Runnable {
    @Mixin
    Common common;
    @Mixin
    ModelOptions modelOptions;
    @Option(names = "--policy", paramLabel = "DIR", description = "A trained policy; with --model as its reference. Without it, the policy is the model after --drift-steps of training.")
    Path policyDir;
    @Option(names = "--drift-steps", defaultValue = "8")
    int driftSteps;
    @Option(names = "--text", defaultValue = DriftCommand.HELD_OUT)
    String text;
    @Option(names = "--samples", defaultValue = "2000", description = "Tokens sampled from the policy per position.")
    int samples;
    @Option(names = "--seed", defaultValue = "0")
    long seed;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (driftSteps < 0) throw new anchor.AnchorException("--drift-steps must be >= 0, got " + driftSteps);
        if (samples < 1) throw new anchor.AnchorException("--samples must be >= 1, got " + samples);
        Gpt2Weights refWeights = modelOptions.load(spec.commandLine().getErr());
        Gpt2Tokenizer tok = modelOptions.tokenizer();
        Gpt2Model policy;
        if (policyDir != null) {
            policy = Gpt2Model.of(HfCheckpoint.load(policyDir));
        } else {
            policy = Gpt2Model.of(refWeights);
        }
        if (policyDir == null && driftSteps > 0) {
            TokenBatch train = TokenBatch.of(tok.encode(DriftCommand.TRAIN));
            DriftRun.run(policy, refWeights, DriftRun.LanguageModelData.fixed(train, train), new DriftRun.Settings(driftSteps, 1e-3, 1));
        }
        int[] ids = tok.encode(text);
        if (ids.length < 2) throw new anchor.AnchorException("need at least 2 tokens (got " + ids.length + ")");
        TokenBatch batch = TokenBatch.of(ids);
        Gpt2Model reference = Gpt2Model.frozen(refWeights);
        KlLab.Position[] rows = KlLab.run(rows(policy.logits(batch)), rows(reference.logits(batch)), ids, samples, seed);
        var out = spec.commandLine().getOut();
        out.printf("%4s %-12s %9s %10s %9s %9s %9s %8s%n", "pos", "next token", "exact KL", "k1(text)", "mean k1", "mean k2", "mean k3", "k1<0");
        double[] tot = new double[5];
        for (KlLab.Position p : rows) {
            out.printf("%4d %-12s %9.5f %+10.5f %+9.5f %9.5f %9.5f %7.1f%%%n", p.position(), tok.token(ids[p.position() + 1]), p.exact(),
                    p.k1OnText(), p.meanK1(), p.meanK2(), p.meanK3(), 100 * p.negativeK1Share());
            tot[0] += p.exact() / rows.length;
            tot[1] += p.k1OnText() / rows.length;
            tot[2] += p.meanK1() / rows.length;
            tot[3] += p.meanK2() / rows.length;
            tot[4] += p.meanK3() / rows.length;
        }
        out.printf("%4s %-12s %9.5f %+10.5f %+9.5f %9.5f %9.5f%n", "mean", "", tot[0], tot[1], tot[2], tot[3], tot[4]);
        if (common.json) Common.printJson(out, Map.of("positions", rows, "mean_exact", tot[0], "mean_k1_text", tot[1],
                "mean_k1", tot[2], "mean_k2", tot[3], "mean_k3", tot[4]));
    }

    private static double[][] rows(INDArray logits) {
        INDArray l = logits.castTo(DataType.DOUBLE);
        return l.reshape(l.size(1), l.size(2)).toDoubleMatrix();
    }
}
