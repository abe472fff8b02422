package anchor.world;

import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.TokenBatch;
import anchor.logprobs.SequenceLogProbs;
import anchor.stats.Estimate;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The evaluation kit every alignment chapter uses. For a policy, on held-out prompts, one sample per prompt at
 * temperature 1:
 * <ul>
 *   <li>gold reward mean, and win rate against an independent set of the SFT model's samples for the same prompts
 *       (another seed; ties count ½) — our stand-in for AlpacaEval's win rate in document 2, which is
 *       length-controlled while ours is not: the mean response length is reported beside it;</li>
 *   <li>sampled KL to the reference: mean over samples of Σ_t (log π − log π_ref) over the tokens the policy drew
 *       (k1 on on-policy samples, an unbiased estimate of the sequence KL), {@code <|endoftext|>} counted only where
 *       it was drawn;</li>
 *   <li>grammatical rate (language degradation), distinct-1/2 and unique-response rate (mode collapse);</li>
 *   <li>reference perplexity of the samples: exp of minus the mean per-token reference log-prob.</li>
 * </ul>
 * Every mean over the samples comes with its standard error, sd / √n over the prompts ({@code *Se}).
 */
public final class WorldEval {
    private WorldEval() {
    }

    static final int SCORE_BATCH = 32;

    public record Report(int samples, double goldMean, double goldSe, double winRateVsSft, double winRateSe, double sampledKl, double sampledKlSe,
                         double grammaticalRate, double grammaticalSe, double meanLength, double lengthSe,
                         double distinct1, double distinct2, double uniqueRate, double referencePerplexity) {
    }

    public static Report evaluate(Gpt2Model policy, LanguageModel reference, Gpt2Model sft, List<String> prompts, long seed) {
        return evaluate(policy, reference, baseline(sft, prompts, seed), prompts, seed);
    }

    /** The SFT model's samples that {@link #evaluate} compares against (seed + 1: never the evaluated policy's own draw). */
    public static List<String> baseline(Gpt2Model sft, List<String> prompts, long seed) {
        return PreferenceData.sample(sft, prompts, seed + 1);
    }

    /** As above, with the SFT baseline's samples given (from {@link #baseline} with the same prompts and seed). */
    public static Report evaluate(Gpt2Model policy, LanguageModel reference, List<String> sftSamples, List<String> prompts, long seed) {
        List<int[]> ids = PreferenceData.sampleIds(policy, prompts, seed);
        if (sftSamples.size() != ids.size()) throw new anchor.AnchorException(sftSamples.size() + " baseline samples for " + ids.size() + " prompts");
        int n = ids.size();
        List<String> samples = new java.util.ArrayList<>();
        double[] gold = new double[n], win = new double[n], grammatical = new double[n], length = new double[n], kl = new double[n];
        for (int i = 0; i < n; i++) {
            samples.add(PreferenceData.responseText(ids.get(i)));
            double g = GoldReward.of(samples.get(i)), gs = GoldReward.of(sftSamples.get(i));
            gold[i] = g;
            win[i] = g > gs ? 1 : g == gs ? 0.5 : 0;
            grammatical[i] = Language.isGrammatical(samples.get(i)) ? 1 : 0;
            length[i] = ids.get(i).length;
        }
        double refLogp = 0;
        long refTokens = 0;
        for (int from = 0; from < n; from += SCORE_BATCH) {
            int to = Math.min(n, from + SCORE_BATCH);
            int[][] seqs = new int[to - from][];
            int[] promptLen = new int[to - from];
            for (int i = from; i < to; i++) {
                int[] prompt = PreferenceData.promptIds(prompts.get(i));
                seqs[i - from] = anchor.data.PromptResponse.ids(prompt, ids.get(i), anchor.data.PromptResponse.NO_END);          // the drawn tokens, as drawn
                promptLen[i - from] = prompt.length;
            }
            TokenBatch batch = TokenBatch.bucketed(seqs, false, policy.config().nPositions());
            int[][] mask = SequenceLogProbs.responseMask(batch, promptLen);
            double[] lp = SequenceLogProbs.summed(policy.tokenLogProbs(batch, 1.0, mask), mask), lr = SequenceLogProbs.summed(reference.tokenLogProbs(batch, 1.0, mask), mask);
            for (int i = 0; i < lp.length; i++) {
                kl[from + i] = lp[i] - lr[i];
                refLogp += lr[i];
                for (int m : mask[i]) refTokens += m;
            }
        }
        Estimate g = Estimate.of(gold), w = Estimate.of(win), k = Estimate.of(kl), ok = Estimate.of(grammatical), len = Estimate.of(length);
        return new Report(n, g.mean(), g.seOrZero(), w.mean(), w.seOrZero(), k.mean(), k.seOrZero(), ok.mean(), ok.seOrZero(), len.mean(), len.seOrZero(),
                distinct(samples, 1), distinct(samples, 2), new HashSet<>(samples).size() / (double) n, Math.exp(-refLogp / Math.max(1, refTokens)));
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
