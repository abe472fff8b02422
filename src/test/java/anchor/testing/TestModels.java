package anchor.testing;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Weights;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Seeded random checkpoints in which every tensor (biases and layer norms too) is random, so a swapped or ignored tensor shows. */
public final class TestModels {
    private TestModels() {
    }

    /** 2 layers, 4 heads, width 32, context 64, GPT-2's vocabulary; n_inner deliberately not 4·C. */
    public static Gpt2Config tiny() {
        return new Gpt2Config(2, 4, 32, 64, Gpt2Config.GPT2_VOCAB, 96, 1e-5, true, 0.1, 0.1, 0.1, 0.02);
    }

    public static Gpt2Weights allRandom(Gpt2Config c, long seed) {
        Random rng = new Random(seed);
        Map<String, Gpt2Weights.Tensor> t = new LinkedHashMap<>();
        for (var e : Gpt2Weights.expectedShapes(c).entrySet()) {
            long n = 1;
            for (long d : e.getValue()) n *= d;
            float[] v = new float[(int) n];
            boolean gain = e.getKey().contains("ln_") && e.getKey().endsWith(".weight");
            double std = e.getKey().contains("ln_") ? 0.2 : e.getKey().endsWith(".bias") ? 0.05 : 0.08;
            for (int i = 0; i < v.length; i++) v[i] = (float) ((gain ? 1 : 0) + rng.nextGaussian() * std);
            t.put(e.getKey(), new Gpt2Weights.Tensor(v, e.getValue()));
        }
        return new Gpt2Weights(c, t);
    }
}
