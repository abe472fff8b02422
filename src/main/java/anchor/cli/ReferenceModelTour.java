package anchor.cli;

import anchor.docs.Document1;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TokenBatch;
import anchor.kl.KlPenalty;
import anchor.reference.FrozenCheck;
import anchor.reference.ReferenceModel;
import anchor.reference.WeightDivergence;
import anchor.tokenizer.Gpt2Tokenizer;

import java.util.Arrays;
import java.util.List;

/** Tour chapter 2: document 1's printouts in its order, then what the document could not measure. */
final class ReferenceModelTour {
    private ReferenceModelTour() {
    }

    static void run(Tour tour, Gpt2Weights weights, Gpt2Tokenizer tok) {
        tour.chapter("reference-model", "The frozen reference model, its memory, the per-token KL, the frozen check, drift",
                "document 1, sections in order: 'Enter the Reference Model' … 'Monitoring Drift During Training'");
        boolean isGpt2 = weights.config().equals(Gpt2Config.preset("gpt2"));
        Gpt2Model policy = Gpt2Model.of(weights);
        Gpt2Model reference = ReferenceModel.create(policy);
        long pt = policy.trainableParameterCount(), rt = reference.trainableParameterCount();
        tour.check("Policy model: trainable parameters", "124,439,808", String.format("%,d", pt), !isGpt2 || Document1.POLICY_TRAINABLE.matches(pt));
        tour.check("Reference model: trainable parameters", "0", String.format("%,d", rt), Document1.REFERENCE_TRAINABLE.matches(rt));

        LanguageModel fp16 = ReferenceModel.create(policy, ReferenceModel.Placement.FP16);
        double fp32Mb = reference.parameterBytes() / 1048576.0, fp16Mb = fp16.parameterBytes() / 1048576.0;
        double savedPct = (fp32Mb - fp16Mb) / fp32Mb * 100;
        tour.check("FP32 reference (bytes of its arrays)", "~474.7 MB", String.format("~%.1f MB", fp32Mb), !isGpt2 || Document1.FP32_MB.matches(fp32Mb));
        tour.check("FP16 reference (bytes of its arrays)", "~237.4 MB", String.format("~%.1f MB", fp16Mb), !isGpt2 || Document1.FP16_MB.matches(fp16Mb));
        tour.check("Savings", "~237.4 MB (50% reduction)", String.format("~%.1f MB (%.0f%% reduction)", fp32Mb - fp16Mb, savedPct),
                (!isGpt2 || Document1.SAVINGS_MB.matches(fp32Mb - fp16Mb)) && Document1.SAVINGS_PERCENT.matches(Math.round(savedPct)));
        double sevenB = 7e9 * 2 / 1e9;
        tour.check("saving at 7B parameters (2 bytes each)", "~14GB", String.format("~%.0f GB", sevenB), Math.round(sevenB) == 14);

        int[] ids = tok.encode(Document1.TEXT);
        TokenBatch batch = TokenBatch.of(ids);
        tour.check("Tokens", Document1.TOKENS.toString(), Arrays.toString(ids), Arrays.stream(ids).boxed().toList().equals(Document1.TOKENS));
        double[] lpPolicy = policy.tokenLogProbs(batch)[0], lpRef = reference.tokenLogProbs(batch)[0];
        List<Integer> shape = List.of(1, lpPolicy.length);
        tour.check("Log probability shape", "torch.Size([1, 7])", shape.toString(), shape.equals(Document1.LOGPROB_SHAPE));
        double[] kl = KlPenalty.perToken(lpPolicy, lpRef);
        boolean allZero = Arrays.stream(kl).allMatch(Document1.PER_TOKEN_KL::matches);
        tour.check("Per-token KL divergences", "[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]", Arrays.toString(kl), allZero);
        double meanKl = KlPenalty.mean(kl, null);
        tour.check("Mean KL divergence", "0.0000", String.format("%.4f", meanKl), Document1.MEAN_KL.matches(meanKl));

        FrozenCheck check = FrozenCheck.of(policy, reference);
        tour.check("Any parameter requires grad?", "False", py(check.anyRequiresGrad()), !check.anyRequiresGrad());
        tour.check("Weights equal to policy?", "True", py(check.weightsEqual()), check.weightsEqual());
        tour.check("In eval mode?", "True", py(check.evalMode()), check.evalMode());

        WeightDivergence d = WeightDivergence.between(policy.weights(), reference.weights());
        tour.check("Weight divergence, absolute", "0.000000", String.format("%.6f", d.absolute()), Document1.ABSOLUTE_DIVERGENCE.matches(d.absolute()));
        tour.check("Weight divergence, relative", "0.000000", String.format("%.6f", d.relative()), Document1.RELATIVE_DIVERGENCE.matches(d.relative()));

        // Beyond the document: what the FP16 and CPU options cost, measured on this machine.
        double[] lpHalf = fp16.tokenLogProbs(batch)[0];
        double maxDelta = 0;
        for (int t = 0; t < lpRef.length; t++) maxDelta = Math.max(maxDelta, Math.abs(lpHalf[t] - lpRef[t]));
        tour.measured("FP16 reference: max |delta log-prob| vs FP32", String.format("%.2e", maxDelta));
        tour.measured("FP16 reference: mean KL at step 0 (should be 0)", String.format("%+.2e", KlPenalty.mean(KlPenalty.perToken(lpPolicy, lpHalf), null)));
        tour.measured("FP16 reference: weights allclose(atol=1e-6)?", py(FrozenCheck.of(policy, fp16).weightsEqual()));
        long t0 = System.nanoTime();
        reference.tokenLogProbs(batch);
        long t1 = System.nanoTime();
        LanguageModel cpu = ReferenceModel.create(policy, ReferenceModel.Placement.CPU);
        long t2 = System.nanoTime();
        double[] lpCpu = cpu.tokenLogProbs(batch)[0];
        long t3 = System.nanoTime();
        double cpuDelta = 0;
        for (int t = 0; t < lpRef.length; t++) cpuDelta = Math.max(cpuDelta, Math.abs(lpCpu[t] - lpRef[t]));
        tour.measured("CPU reference (plain Java): max |delta log-prob|", String.format("%.2e", cpuDelta));
        tour.measured("reference forward, 8 tokens: SameDiff vs plain Java", String.format("%.0f ms vs %.0f ms", (t1 - t0) / 1e6, (t3 - t2) / 1e6));
        tour.note("Option 4 ('no reference', DPO): document 1 says DPO needs none; documents 2 and 3 say it does. Measured on the");
        tour.note("world, 2 seeds, each objective at its best beta (anchor experiment reference-free): without the reference, KL 2.5 vs 0.08 and grammar 0.74 vs 0.97 -");
        tour.note("the reference is needed; only its log-probs, computed once (chapters/04-dpo.md, 05-reference-policies.md).");
    }

    static String py(boolean b) {
        return b ? "True" : "False";
    }
}
