package anchor.reference;

import anchor.gpt2.Gpt2Weights;

/**
 * Document 1, "Monitoring Drift During Training": drift in weight space, exactly as the document defines it —
 * per parameter tensor the L2 norm of the difference, summed; divided by the summed L2 norms of the reference:
 * <pre>absolute = Σ_k ‖p_k − r_k‖₂        relative = absolute / (Σ_k ‖r_k‖₂ + 1e-8)</pre>
 * (a sum of per-tensor norms, not the norm of the whole difference).
 */
public record WeightDivergence(double absolute, double relative) {

    public static WeightDivergence between(Gpt2Weights policy, Gpt2Weights reference) {
        double diff = 0, norm = 0;
        for (var e : reference.tensors().entrySet()) {
            float[] r = e.getValue().data(), p = policy.get(e.getKey());
            double d2 = 0, r2 = 0;
            for (int i = 0; i < r.length; i++) {
                double d = (double) p[i] - r[i];
                d2 += d * d;
                r2 += (double) r[i] * r[i];
            }
            diff += Math.sqrt(d2);
            norm += Math.sqrt(r2);
        }
        return new WeightDivergence(diff, diff / (norm + 1e-8));
    }
}
