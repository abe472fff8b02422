package anchor.gpt2;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * GPT-2's own initialisation (Radford et al. 2019, §2.3; HF {@code GPT2PreTrainedModel._init_weights}):
 * weights and embeddings ~ N(0, initializer_range²), biases 0, layer norms γ = 1 and β = 0, and the two residual
 * projections ({@code attn.c_proj}, {@code mlp.c_proj}) scaled by 1/√(2·n_layer). Seeded and platform independent.
 */
public final class Gpt2Init {
    private Gpt2Init() {
    }

    public static Gpt2Weights random(Gpt2Config config, long seed) {
        Random rng = new Random(seed);
        double residualStd = config.initializerRange() / Math.sqrt(2.0 * config.nLayer());
        Map<String, Gpt2Weights.Tensor> tensors = new LinkedHashMap<>();
        for (var e : Gpt2Weights.expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            if (name.contains(".ln_") || name.startsWith("ln_f")) {
                if (name.endsWith(".weight")) java.util.Arrays.fill(v, 1f);
            } else if (name.endsWith(".weight")) {
                double std = name.endsWith("c_proj.weight") ? residualStd : config.initializerRange();
                for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * std);
            }
            tensors.put(name, new Gpt2Weights.Tensor(v, shape));
        }
        return new Gpt2Weights(config, tensors);
    }

    /** A scalar head as Hugging Face initialises {@code score} (nn.Linear without bias): N(0, initializer_range²), seeded. */
    public static float[] scoreHead(Gpt2Config config, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[config.nEmbd()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * config.initializerRange());
        return v;
    }
}
