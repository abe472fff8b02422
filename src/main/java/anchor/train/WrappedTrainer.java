package anchor.train;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Map;

/**
 * A trainer around another that adds to its rows and changes nothing else: the parts, the state, what is written at
 * the end and the progress message are the inner trainer's. The one base of every wrapper ({@link EvaluatedTrainer},
 * PPO's judged rollouts), so none of them repeats the delegation.
 */
public abstract class WrappedTrainer implements RunLoop.Trainer {
    protected final RunLoop.Trainer trainer;

    protected WrappedTrainer(RunLoop.Trainer trainer) {
        this.trainer = trainer;
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
    public void writeFinal(Path out) {
        trainer.writeFinal(out);
    }

    @Override
    public String progressMessage(Map<String, Object> row) {
        return trainer.progressMessage(row);
    }
}
