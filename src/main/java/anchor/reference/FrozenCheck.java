package anchor.reference;

import anchor.gpt2.LanguageModel;

/**
 * Document 1, "Sanity Check: Is the Reference Actually Frozen?": the document's three checks.
 * <ol>
 *   <li>does any reference parameter require a gradient (here: is any of them a trainable SameDiff variable)?</li>
 *   <li>is the first parameter ({@code wte.weight}) equal to the policy's, by {@code torch.allclose} with atol 1e-6
 *       (and its default rtol 1e-5)? True at the start, false once the policy trained;</li>
 *   <li>is the reference in eval mode?</li>
 * </ol>
 * As in the document, the verdict is checks 1 and 3 only: equality is informative, not a requirement.
 */
public record FrozenCheck(boolean anyRequiresGrad, boolean weightsEqual, boolean evalMode) {

    public static FrozenCheck of(LanguageModel policy, LanguageModel reference) {
        float[] p = policy.parameter("wte.weight"), r = reference.parameter("wte.weight");
        boolean equal = p.length == r.length;
        for (int i = 0; equal && i < p.length; i++) equal = Math.abs(p[i] - r[i]) <= 1e-6 + 1e-5 * Math.abs(r[i]);
        return new FrozenCheck(reference.trainableParameterCount() > 0, equal, reference.inEvalMode());
    }

    public boolean allGood() {
        return !anyRequiresGrad && evalMode;
    }

    /** The document's printout, line for line in meaning (our words). */
    public String report() {
        return String.join("\n",
                "Reference model verification:",
                "  Any parameter requires grad? " + py(anyRequiresGrad) + (anyRequiresGrad ? "   PROBLEM: must be False" : "   ok: frozen"),
                "  Weights equal to policy?     " + py(weightsEqual) + (weightsEqual ? "   ok: same starting point" : "   the policy has moved (expected after training)"),
                "  In eval mode?                " + py(evalMode) + (evalMode ? "   ok: no dropout" : "   PROBLEM: must be True"),
                allGood() ? "Reference model is properly frozen." : "Something is wrong with the reference model setup.");
    }

    static String py(boolean b) {
        return b ? "True" : "False";
    }
}
