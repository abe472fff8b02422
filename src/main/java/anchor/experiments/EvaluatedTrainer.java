package anchor.experiments;

import anchor.train.TrainingCheckpoint;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Any trainer, evaluated along its run: before step {@code every}, 2·{@code every}, … the evaluation runs on the policy
 * as it is then (after that many steps), and {@link #evaluateNow} adds the point after the last step. The run itself
 * is the trainer's, unchanged: the same run loop, the same steps.
 */
final class EvaluatedTrainer implements RunLoop.Trainer {
    private final RunLoop.Trainer trainer;
    private final int every;
    private final Supplier<Map<String, Object>> evaluation;
    private final Map<Integer, Map<String, Object>> evaluations = new LinkedHashMap<>();

    EvaluatedTrainer(RunLoop.Trainer trainer, int every, Supplier<Map<String, Object>> evaluation) {
        if (every < 1) throw new IllegalArgumentException("every must be >= 1");
        this.trainer = trainer;
        this.every = every;
        this.evaluation = evaluation;
    }

    @Override
    public Map<String, Object> step(int step) {
        if (step > 0 && step % every == 0) evaluateNow(step);
        return trainer.step(step);
    }

    /** Evaluates the policy as it is after {@code stepsDone} steps (once per step count). */
    void evaluateNow(int stepsDone) {
        evaluations.computeIfAbsent(stepsDone, k -> evaluation.get());
    }

    /** The evaluations by the number of steps done before them, in run order. */
    Map<Integer, Map<String, Object>> evaluations() {
        return evaluations;
    }

    @Override
    public TrainingCheckpoint.Parts parts() {
        return trainer.parts();
    }

    @Override
    public ObjectNode state() {
        return trainer.state();
    }

    @Override
    public void restore(ObjectNode state) {
        trainer.restore(state);
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return trainer.progressMessage(row);
    }
}
