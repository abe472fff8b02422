package anchor.ppo;

import anchor.train.RunLoop;
import anchor.train.WrappedTrainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sampling trainer (PPO, GRPO, RLOO) with each update's rollouts judged: {@code objective/gold}, the judge's mean
 * true reward of the responses the update trained on, joins the row after {@code objective/kl_coef} — beside
 * {@code objective/scores}, the reward model's view of the same responses, which is how a run shows the two part.
 * The judge only reads what was sampled; the training is the trainer's, unchanged.
 */
public final class JudgedRollouts extends WrappedTrainer {
    /** A trainer that samples: the rollouts of its last step, in batch order. */
    public interface Sampling extends RunLoop.Trainer {
        RolloutScores.Scored[] lastRollouts();
    }

    private final Judge judge;

    public JudgedRollouts(Sampling trainer, Judge judge) {
        super(trainer);
        this.judge = judge;
    }

    /** {@code trainer}, its rollouts judged by {@code judge}; the trainer itself where there is no judge. */
    public static RunLoop.Trainer of(Sampling trainer, Judge judge) {
        return judge == null ? trainer : new JudgedRollouts(trainer, judge);
    }

    @Override
    public Map<String, Object> step(int step) {
        Map<String, Object> inner = trainer.step(step);
        RolloutScores.Scored[] rows = ((Sampling) trainer).lastRollouts();
        double gold = 0;
        for (RolloutScores.Scored e : rows) gold += judge.gold(e.responseIds()) / rows.length;   // (B,) → the batch mean
        Map<String, Object> row = new LinkedHashMap<>();
        for (var e : inner.entrySet()) {
            row.put(e.getKey(), e.getValue());
            if (e.getKey().equals("objective/kl_coef")) row.put("objective/gold", gold);
        }
        row.putIfAbsent("objective/gold", gold);
        return row;
    }
}
