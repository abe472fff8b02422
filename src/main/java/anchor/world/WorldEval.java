package anchor.world;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.SequenceLogProbs;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The evaluation kit every alignment chapter uses. For a policy, on held-out prompts, one sample per prompt at
 * temperature 1:
 * <ul>
 *   <li>gold reward mean, and win rate against the SFT model's samples for the same prompts (ties count ½) — our
 *       stand-in for AlpacaEval's win rate in document 2;</li>
 *   <li>sampled KL to the reference: mean over samples of Σ_t (log π − log π_ref) on the policy's own tokens (k1 on
 *       on-policy samples, an unbiased estimate of the sequence KL);</li>
 *   <li>grammatical rate (language degradation), distinct-1/2 and unique-response rate (mode collapse);</li>
 *   <li>reference perplexity of the samples: exp of minus the mean per-token reference log-prob.</li>
 * </ul>
 */
public final class WorldEval {
    private WorldEval() {
    }

    static final int SCORE_BATCH = 32;

    public record Report(int samples, double goldMean, double winRateVsSft, double sampledKl, double grammaticalRate,
                         double distinct1, double distinct2, double uniqueRate, double referencePerplexity) {
    }

    public static Report evaluate(Gpt2Model policy, LanguageModel reference, Gpt2Model sft, List<String> prompts, long seed) {
        List<String> samples = PreferenceData.sample(policy, prompts, seed);
        return evaluate(policy, samples, reference, policy == sft ? samples : baseline(sft, prompts, seed), prompts);
    }

    /** The SFT model's samples that {@link #evaluate} compares against; sample them once to evaluate many policies. */
    public static List<String> baseline(Gpt2Model sft, List<String> prompts, long seed) {
        return PreferenceData.sample(sft, prompts, seed + 1);
    }

    /** As above, with the SFT baseline's samples given (from {@link #baseline} with the same prompts and seed). */
    public static Report evaluate(Gpt2Model policy, LanguageModel reference, List<String> sftSamples, List<String> prompts, long seed) {
        return evaluate(policy, PreferenceData.sample(policy, prompts, seed), reference, sftSamples, prompts);
    }

    private static Report evaluate(Gpt2Model policy, List<String> samples, LanguageModel reference, List<String> sftSamples, List<String> prompts) {
        if (sftSamples.size() != samples.size()) throw new anchor.AnchorException(sftSamples.size() + " baseline samples for " + samples.size() + " prompts");
        double gold = 0, wins = 0, grammatical = 0;
        for (int i = 0; i < samples.size(); i++) {
            double g = GoldReward.of(samples.get(i)), gs = GoldReward.of(sftSamples.get(i));
            gold += g;
            wins += g > gs ? 1 : g == gs ? 0.5 : 0;
            if (Language.isGrammatical(samples.get(i))) grammatical++;
        }
        double klSum = 0, refLogp = 0;
        long refTokens = 0;
        int maxLen = policy.config().nPositions();
        for (int from = 0; from < samples.size(); from += SCORE_BATCH) {
            int to = Math.min(samples.size(), from + SCORE_BATCH);
            int[][] seqs = new int[to - from][];
            int[] promptLen = new int[to - from];
            for (int i = from; i < to; i++) {
                int[] prompt = PreferenceData.promptIds(prompts.get(i));
                int[] resp = anchor.tokenizer.Gpt2Tokenizer.gpt2().encode(samples.get(i));
                int[] seq = anchor.data.PromptResponse.ids(prompt, resp, true);
                seqs[i - from] = seq.length > maxLen ? java.util.Arrays.copyOf(seq, maxLen) : seq;
                promptLen[i - from] = prompt.length;
            }
            TokenBatch batch = TokenBatch.bucketed(seqs, false, maxLen);
            int[][] mask = SequenceLogProbs.responseMask(batch, promptLen);
            double[] lp = SequenceLogProbs.summed(policy.tokenLogProbs(batch), mask), lr = SequenceLogProbs.summed(reference.tokenLogProbs(batch), mask);
            for (int i = 0; i < lp.length; i++) {
                klSum += lp[i] - lr[i];
                refLogp += lr[i];
                for (int m : mask[i]) refTokens += m;
            }
        }
        int n = samples.size();
        return new Report(n, gold / n, wins / n, klSum / n, grammatical / n, distinct(samples, 1), distinct(samples, 2),
                new HashSet<>(samples).size() / (double) n, Math.exp(-refLogp / Math.max(1, refTokens)));
    }

    /** Distinct-n: unique word n-grams over all n-grams in the samples. */
    public static double distinct(List<String> samples, int n) {
        Set<String> unique = new HashSet<>();
        long total = 0;
        for (String s : samples) {
            String[] w = s.strip().split("\\s+");
            for (int i = 0; i + n <= w.length; i++) {
                unique.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n)));
                total++;
            }
        }
        return total == 0 ? 0 : unique.size() / (double) total;
    }
}
