package anchor.train;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LmTrainerTest {
    static final Gpt2Config C = new Gpt2Config(1, 2, 16, 64, Gpt2Config.GPT2_VOCAB, 32, 1e-5, true, 0.1, 0.1, 0.1, 0.02);

    @TempDir
    Path dir;

    LmTrainer.Settings settings(int steps) {
        return new LmTrainer.Settings(steps, 3e-3, 3e-4, 2, 0.1, 1.0, 5, 2);
    }

    Gpt2Weights train(Path out, int stopAt, int total) {
        Gpt2Model m = Gpt2Model.of(Gpt2Init.random(C, 1));
        AdamW opt = new AdamW(3e-3, 0.9, 0.95, 1e-8, 0.1);
        LmTrainer.Settings s = settings(total);
        // stop early by training a shorter schedule? No: same schedule, interrupted after stopAt steps.
        LmTrainer.train(m, opt, step -> {
            if (step >= stopAt) throw new Interrupted();
            return World.batch(5, step, 2);
        }, s, out, false);
        return m.weights();
    }

    static final class Interrupted extends RuntimeException {
    }

    @Test
    void resumeIsExactAndLossFalls() throws Exception {
        Gpt2Weights straight = train(dir.resolve("a"), Integer.MAX_VALUE, 6);
        try {
            train(dir.resolve("b"), 4, 6);
        } catch (Interrupted expected) {
            // the run "crashed" after its step-4 checkpoint
        }
        assertThat(Files.readString(dir.resolve("b/checkpoint/trainer_state.json"))).contains("\"step\":4");
        Gpt2Weights resumed = train(dir.resolve("b"), Integer.MAX_VALUE, 6);
        train(dir.resolve("c"), Integer.MAX_VALUE, 6);
        assertThat(Files.readAllBytes(dir.resolve("c/checkpoint/model/model.safetensors")))
                .as("same seed, same machine: same checkpoint bytes")
                .isEqualTo(Files.readAllBytes(dir.resolve("a/checkpoint/model/model.safetensors")));
        for (String k : straight.tensors().keySet()) assertThat(resumed.get(k)).as(k).isEqualTo(straight.get(k));
        var lines = Files.readAllLines(dir.resolve("a/metrics.csv"));
        assertThat(lines).hasSize(7);
        assertThat(Files.readAllLines(dir.resolve("b/metrics.csv"))).isEqualTo(lines);
        double first = Double.parseDouble(lines.get(1).split(",")[1]), last = Double.parseDouble(lines.get(6).split(",")[1]);
        assertThat(last).isLessThan(first);
        assertThat(Files.size(dir.resolve("a/loss.png"))).isPositive();
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        Schedule s = new Schedule(1.0, 0.1, 10, 110);
        assertThat(s.lr(0)).isEqualTo(0.1);
        assertThat(s.lr(9)).isEqualTo(1.0);
        assertThat(s.lr(60)).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.lr(110)).isEqualTo(0.1);
    }
}
