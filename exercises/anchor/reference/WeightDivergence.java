package anchor.reference;

import anchor.gpt2.Gpt2Weights;

/**
 * EXERCISE 2.5 — weight divergence as document 1 defines it ("Monitoring Drift During Training").
 * Reading: chapters/02-reference-model.md. Tests: {@code WeightDivergenceExerciseTest}.
 */
public record WeightDivergence(double absolute, double relative) {

    /**
     * Contract: for every tensor k of the reference (iterate {@code reference.tensors()}), in double precision,
     * absolute = Σ_k ‖p_k − r_k‖₂ (a sum of per-tensor L2 norms, not the norm of everything), and
     * relative = absolute / (Σ_k ‖r_k‖₂ + 1e-8).
     */
    public static WeightDivergence between(Gpt2Weights policy, Gpt2Weights reference) {
        throw new UnsupportedOperationException("Exercise 2.5: implement WeightDivergence.between");
    }
}
