package anchor.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one evaluation wrapper: it sees the policy after exactly that many steps and changes nothing in the run. */
class EvaluatedTrainerTest {
    private final int[] done = {0};
    private final RunLoop.Trainer counting = new RunLoop.Trainer() {
        public Map<String, Object> step(int step) {
            done[0]++;
            return Map.of("loss", (double) step);
        }

        public TrainingCheckpoint.Parts parts() {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void theEvaluationSeesThePolicyAfterExactlyThatManySteps() {
        var t = new EvaluatedTrainer(counting, 3, false, () -> Map.of("done", done[0]));
        RunLoop.run(t, RunLoop.Options.inMemory("count", 7));
        t.evaluateNow(7);
        assertThat(t.evaluations()).containsExactly(Map.entry(3, Map.of("done", 3)), Map.entry(6, Map.of("done", 6)), Map.entry(7, Map.of("done", 7)));
        assertThatThrownBy(() -> new EvaluatedTrainer(counting, -1, false, Map::of)).isInstanceOf(IllegalArgumentException.class);
    }

    /** From the start (PPO's eval/* at updates 0, N, 2N, …), the evaluation joins that step's row; the trainer's own values are untouched. */
    @Test
    void fromTheStartTheEvaluationJoinsTheRowsOfItsSteps() {
        var t = new EvaluatedTrainer(counting, 2, true, () -> Map.of("eval/done", done[0]));
        List<Map<String, Object>> rows = RunLoop.run(t, RunLoop.Options.inMemory("count", 5)).rows();
        assertThat(rows).extracting(r -> r.get("eval/done")).containsExactly(0, null, 2, null, 4);
        assertThat(rows).extracting(r -> r.get("loss")).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
        var never = new EvaluatedTrainer(counting, 0, true, () -> Map.of("eval/done", -1));
        assertThat(RunLoop.run(never, RunLoop.Options.inMemory("count", 3)).rows()).allMatch(r -> !r.containsKey("eval/done"));
    }
}
