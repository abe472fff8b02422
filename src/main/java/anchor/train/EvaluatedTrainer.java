package anchor.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Any trainer, evaluated along its run — the one way every algorithm is evaluated, so no trainer carries evaluation
 * prompts of its own. Before step {@code every}, 2·{@code every}, … (and before step 0 too when {@code fromStart};
 * never during the run when {@code every} is 0)
 * the evaluation runs on the policy as it is then, after that many steps; its values join that step's metrics row
 * and are kept by the number of steps done ({@link #evaluations}); {@link #evaluateNow} adds the point after the
 * last step. The run itself is the trainer's, unchanged: the same run loop, the same steps, the same numbers.
 */
public final class EvaluatedTrainer extends WrappedTrainer {
    private final int every;
    private final boolean fromStart;
    private final Supplier<Map<String, Object>> evaluation;
    private final Map<Integer, Map<String, Object>> evaluations = new LinkedHashMap<>();

    public EvaluatedTrainer(RunLoop.Trainer trainer, int every, boolean fromStart, Supplier<Map<String, Object>> evaluation) {
        super(trainer);
        if (every < 0) throw new IllegalArgumentException("every must be >= 0");
        this.every = every;
        this.fromStart = fromStart;
        this.evaluation = evaluation;
    }

    @Override
    public Map<String, Object> step(int step) {
        Map<String, Object> eval = every > 0 && (step > 0 || fromStart) && step % every == 0 ? evaluateNow(step) : Map.of();
        Map<String, Object> row = new LinkedHashMap<>(trainer.step(step));
        row.putAll(eval);
        return row;
    }

    /** Evaluates the policy as it is after {@code stepsDone} steps (once per step count); returns that evaluation. */
    public Map<String, Object> evaluateNow(int stepsDone) {
        return evaluations.computeIfAbsent(stepsDone, k -> evaluation.get());
    }

    /** The evaluations by the number of steps done before them, in run order. */
    public Map<Integer, Map<String, Object>> evaluations() {
        return evaluations;
    }
}
