package anchor.reference;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.PlainGpt2;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.LogSoftmax;

/**
 * Document 1, "The Memory Problem", option 2: a reference that runs on the CPU whatever ND4J's backend is. Its
 * weights live on the Java heap as plain float arrays (never on an accelerator) and its engine is
 * {@link PlainGpt2}, the independent float64 forward. Frozen by construction: nothing here can change a weight.
 */
public final class CpuReference implements LanguageModel {
    private final Gpt2Weights weights;
    private final PlainGpt2 engine;

    public CpuReference(Gpt2Weights weights) {
        this.weights = weights;
        this.engine = new PlainGpt2(weights);
    }

    @Override
    public Gpt2Config config() {
        return weights.config();
    }

    @Override
    public double[][] tokenLogProbs(TokenBatch batch) {
        return tokenLogProbs(batch, 1.0);
    }

    /** log softmax(logits / T) in float64, as PPO's rollout and training use it. */
    @Override
    public double[][] tokenLogProbs(TokenBatch batch, double temperature) {
        batch.validate(weights.config());
        int T = batch.length();
        double[][] out = new double[batch.batchSize()][T - 1];
        for (int b = 0; b < batch.batchSize(); b++) {
            int first = -1, last = -1;
            for (int t = 0; t < T; t++) {
                if (batch.mask()[b][t] == 1) {
                    if (first < 0) first = t;
                    else if (last != t - 1) throw new AnchorException("the CPU reference needs each row's real tokens to be contiguous");
                    last = t;
                }
            }
            if (first < 0 || last == first) continue;
            int[] ids = java.util.Arrays.copyOfRange(batch.ids()[b], first, last + 1);
            double[][] logits = engine.logits(ids);
            for (int i = 0; i + 1 < ids.length; i++) {
                out[b][first + i] = LogSoftmax.at(logits[i], 0, logits[i].length, ids[i + 1], temperature);
            }
        }
        return out;
    }

    @Override
    public float[] parameter(String name) {
        return weights.get(name).clone();
    }

    @Override
    public long trainableParameterCount() {
        return 0;
    }

    @Override
    public long parameterBytes() {
        return weights.parameterCount() * Float.BYTES;
    }

    @Override
    public boolean inEvalMode() {
        return true;
    }
}
