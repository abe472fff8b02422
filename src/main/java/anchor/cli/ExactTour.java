package anchor.cli;

import anchor.exact.ExactBestOfN;
import anchor.exact.ExactDistribution;
import anchor.exact.ExactEstimators;
import anchor.exact.ExactKlGradients;
import anchor.exact.ExactObjective;
import anchor.exact.ExactOptimum;
import anchor.exact.ExactReward;
import anchor.exact.Responses;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;

import java.util.List;

/** Tour chapter 7 (begun): the exact world's identities, each a sum over every response, not an estimate. */
final class ExactTour {
    private ExactTour() {
    }

    static void run(Tour tour) {
        tour.chapter("exact", "The exact world: sums over every response instead of estimates", "#40 (chapter 7 to come); document 1, \"Computing KL Divergence\"");
        Gpt2Config c = Gpt2Config.preset("gpt2-exact");
        Gpt2Model policy = Gpt2Model.of(Gpt2Init.random(c, 1)), reference = Gpt2Model.frozen(Gpt2Init.random(c, 2));
        int[] x = {c.eotId()};
        List<int[]> ys = Responses.all(c.vocabSize(), 4);
        ExactDistribution pi = ExactDistribution.of(policy, x, ys, 1.0), ref = ExactDistribution.of(reference, x, ys, 1.0);
        double total = pi.totalProbability(), kl = pi.klTo(ref).kl();
        tour.measured("responses of at most 4 tokens over 5 tokens + <|endoftext|>", String.valueOf(ys.size()));
        tour.bar("Σ_y π(y) over every response", "1 ± 1e-6", String.format("%.9f", total), Math.abs(total - 1) <= 1e-6);
        tour.bar("KL(π_ref ‖ π_ref)", "0 (an identity)", String.format("%.9f", ref.klTo(ref).kl()), ref.klTo(ref).kl() == 0);
        tour.bar("KL(π ‖ π_ref), two random models", "≥ 0", String.format("%.9f", kl), kl >= 0);
        List<ExactEstimators.Moments> m = ExactEstimators.of(policy, reference, x, ys, 1.0);
        for (ExactEstimators.Moments e : m) {
            String name = e.estimator().name().toLowerCase(java.util.Locale.ROOT);
            if (e.estimator() == ExactEstimators.Estimator.K2) {
                tour.measured("E_π[k2] − KL (k2 is biased)", String.format("%+.3g", e.bias()));
            } else {
                tour.bar("E_π[" + name + "] − KL, sampled from π at T = 1 (unbiased)", "0 ± 1e-5·KL", String.format("%+.3g", e.bias()), Math.abs(e.bias()) <= 1e-5 * kl);
            }
        }
        double[] r = ExactReward.DEFAULT.of(ys);
        ExactOptimum star = ExactOptimum.of(ref, r, 0.5);
        double jStar = ExactObjective.of(star.distribution(), ref, r, 0.5).objective();
        tour.bar("J(π*) − β·log Z at β = 0.5 (π* is the maximum)", "0 ± 1e-9", String.format("%+.3g", jStar - star.maximum()), Math.abs(jStar - star.maximum()) <= 1e-9);
        double bon = ExactBestOfN.of(pi, r, 4).klTo(pi).kl();
        tour.bar("KL(best-of-4 ‖ π) against log 4 − 3/4 = " + String.format("%.5f", ExactBestOfN.klFormula(4)), "≤ the formula", String.format("%.5f", bon),
                bon <= ExactBestOfN.klFormula(4) + 1e-9);
        ExactKlGradients.Result g = ExactKlGradients.of(policy, reference, x, Responses.all(c.vocabSize(), 3));
        double k1Loss = g.rows().stream().filter(row -> row.estimator() == ExactEstimators.Estimator.K1 && row.placement() == ExactKlGradients.Placement.LOSS)
                .findFirst().orElseThrow().norm() / g.trueNorm();
        tour.bar("|E_π[∇k1]| / |∇KL|, k1 in the loss (E_π[∇log π] = 0)", "< 1e-3", String.format("%.2g", k1Loss), k1Loss < 1e-3);
        tour.note("the same sums from the command line: ./anchor exact kl | estimators | kl-gradients | optimum | best-of-n (README, \"The exact world\")");
    }
}
