package anchor.ppo;

import anchor.Seeds;
import anchor.data.PromptResponse;
import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.TokenBatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The machinery PPO and the critic-free trainers share around their losses: step 1's sampling, the minibatch order of
 * each epoch, and a minibatch's rows as one batch for the policy's forward pass.
 */
final class Rollouts {
    private Rollouts() {
    }

    /** Step 1's prompts (B rows) and the response sampled for each. */
    record Sampled(int[][] prompts, int[][] responses) {
    }

    /**
     * Step 1: B = {@code s.batch()} rows, B / G prompts in the run's seeded order ({@link Seeds#batchIndices}), each
     * repeated on G = {@code groupSize} consecutive rows (PPO: G = 1); one response per row, sampled from the policy at
     * temperature T ({@link Generator}, pure sampling, cut after the first EOS), seeded by (seed, step).
     */
    static Sampled sample(Gpt2Model policy, List<int[]> prompts, PpoSettings s, int step, int groupSize) {
        int B = s.batch();
        int[] idx = Seeds.batchIndices(prompts.size(), B / groupSize, step, s.seed());
        int[][] pr = new int[B][];
        for (int i = 0; i < B; i++) pr[i] = prompts.get(idx[i / groupSize]);                  // rows i·G … i·G+G−1: one prompt
        int[][] resp = Generator.generate(policy, pr, new Generator.Settings(s.responseLength(), s.temperature(), 0, 1.0, Seeds.perStep(s.seed(), step), true));
        return new Sampled(pr, resp);
    }

    /** Epoch {@code epoch}'s order of the batch's B rows (its minibatches are consecutive slices), seeded by (seed, step, epoch). */
    static List<Integer> epochOrder(PpoSettings s, int step, int epoch) {
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < s.batch(); b++) order.add(b);
        Collections.shuffle(order, new Random(Seeds.perStep(s.seed(), step) * 31 + epoch));
        return order;
    }

    /** A minibatch as one right-padded batch, and where its loss lives: each row's response targets (R, T−1). */
    record Minibatch(TokenBatch batch, int[][] responses) {
    }

    /** Rows {@code rows} of the rollouts (prompt + response each, no EOS added) as one batch of bucketed length. */
    static Minibatch minibatch(int[][] prompts, RolloutScores.Scored[] scored, List<Integer> rows, int nPositions) {
        int R = rows.size();
        int[][] seqs = new int[R][];
        int[] first = new int[R];
        for (int r = 0; r < R; r++) {
            int b = rows.get(r);
            seqs[r] = PromptResponse.ids(prompts[b], scored[b].responseIds(), PromptResponse.NO_END);
            first[r] = prompts[b].length - 1;                                                   // the position that predicts the first response token
        }
        TokenBatch tb = TokenBatch.bucketed(seqs, false, nPositions);
        return new Minibatch(tb, tb.targetsFrom(first));                                        // (R, T−1): the loss lives here only
    }
}
