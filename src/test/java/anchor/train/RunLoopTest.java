package anchor.train;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.testing.TestModels;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one run loop, metrics log and checkpoint, driven by a small deterministic trainer. */
class RunLoopTest {
    static final Gpt2Config C = new Gpt2Config(1, 1, 4, 8, 16, 8, 1e-5, true, 0, 0, 0, 0.02);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Each step: one AdamW step on a next-token loss, a counter in its state, and a metric; it can fail at a chosen step. */
    static class Toy implements RunLoop.Trainer {
        final Gpt2Model model = Gpt2Model.of(TestModels.allRandom(C, 1));
        final AdamW opt = AdamW.standard(1e-2);
        final int failAt;
        final boolean diverge;
        int counter;

        Toy(int failAt, boolean diverge) {
            this.failAt = failAt;
            this.diverge = diverge;
        }

        @Override
        public Map<String, Object> step(int step) {
            if (step == failAt) {
                if (diverge) throw new Diverged("loss became NaN at step " + step);
                throw new IllegalStateException("killed");
            }
            TokenBatch b = TokenBatch.of(1 + step % 5, 2, 3, 4);
            var g = model.gradients(b, Loss.tokens(LmTrainer.meanNllWeights(b)));
            opt.step(model.parameters(), g.byParameter());
            counter++;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("loss", g.loss());
            row.put("counter", counter);
            row.put("not_a_number", Double.NaN);
            return row;
        }

        @Override
        public TrainingCheckpoint.Parts parts() {
            return TrainingCheckpoint.Parts.of(model, opt);
        }

        @Override
        public ObjectNode state() {
            return JSON.createObjectNode().put("counter", counter);
        }

        @Override
        public void restore(ObjectNode state) {
            counter = state.get("counter").asInt();
        }
    }

    static ObjectNode settings(double beta) {
        return JSON.createObjectNode().put("beta", beta).put("seed", 3);
    }

    RunLoop.Options options(Path out, int steps, double beta) {
        return new RunLoop.Options("toy", steps, out, 2, false, settings(beta), new MetricsLog.Layout(List.of("step", "loss", "counter"),
                List.of(new MetricsLog.Curve("loss.png", "loss", "nats", "loss"))));
    }

    @Test
    void aCollectionIsAskedForAtMostEveryFewSeconds() {
        long start = 5_000_000_000L, interval = (long) (RunLoop.COLLECTION_INTERVAL_SECONDS * 1e9);
        assertThat(RunLoop.collectionDue(start, start + interval - 1)).isFalse();
        assertThat(RunLoop.collectionDue(start, start + interval)).isTrue();
        assertThat(RunLoop.collectionDue(start, start)).isFalse();
    }

    @Test
    void aKilledRunResumesExactlyFromItsLastCheckpoint() throws Exception {
        Toy straight = new Toy(-1, false);
        RunLoop.run(straight, options(dir.resolve("a"), 5, 0.1));
        assertThatThrownBy(() -> RunLoop.run(new Toy(3, false), options(dir.resolve("b"), 5, 0.1))).hasMessage("killed");
        assertThat(Files.readString(dir.resolve("b/checkpoint/trainer_state.json"))).contains("\"step\":2").contains("\"counter\":2");
        Toy resumed = new Toy(-1, false);
        RunLoop.Result r = RunLoop.run(resumed, options(dir.resolve("b"), 5, 0.1));
        assertThat(r.startStep()).isEqualTo(2);
        assertThat(resumed.counter).as("the trainer's state came back").isEqualTo(5);
        assertThat(Files.readString(dir.resolve("b/metrics.jsonl"))).isEqualTo(Files.readString(dir.resolve("a/metrics.jsonl")));
        assertThat(Files.readString(dir.resolve("b/metrics.csv"))).isEqualTo(Files.readString(dir.resolve("a/metrics.csv")));
        assertThat(resumed.model.parameter("h.0.attn.c_attn.weight")).containsExactly(straight.model.parameter("h.0.attn.c_attn.weight"));
        assertThat(Files.readAllLines(dir.resolve("a/metrics.csv")).get(0)).isEqualTo("step,loss,counter");
        assertThat(Files.readString(dir.resolve("a/metrics.jsonl"))).as("non-finite values are left out").doesNotContain("not_a_number");
        assertThat(dir.resolve("a/loss.png")).exists();
    }

    @Test
    void aResumeWithOtherSettingsNamesTheSettingThatDiffers() {
        RunLoop.run(new Toy(-1, false), options(dir.resolve("a"), 2, 0.1));
        assertThatThrownBy(() -> RunLoop.run(new Toy(-1, false), options(dir.resolve("a"), 4, 0.2)))
                .isInstanceOf(AnchorException.class).hasMessageContaining("beta: 0.1 then, 0.2 now");
    }

    @Test
    void divergenceStopsTheRunKeepingTheLastGoodCheckpointAndTheRowsSoFar() throws Exception {
        assertThatThrownBy(() -> RunLoop.run(new Toy(3, true), options(dir.resolve("a"), 6, 0.1)))
                .isInstanceOf(Diverged.class).hasMessageContaining("loss became NaN at step 3")
                .hasMessageContaining("last good checkpoint (step 2)");
        assertThat(Files.readAllLines(dir.resolve("a/metrics.jsonl"))).hasSize(3);
        assertThat(Files.readString(dir.resolve("a/checkpoint/trainer_state.json"))).contains("\"step\":2");
    }

    @Test
    void aTruncatedLastMetricsLineIsRepairedAndABadMiddleLineNamed() throws Exception {
        RunLoop.run(new Toy(-1, false), options(dir.resolve("a"), 4, 0.1));
        Path jsonl = dir.resolve("a/metrics.jsonl");
        String whole = Files.readString(jsonl);
        Files.writeString(jsonl, whole + "{\"step\":4,\"loss\":1.2");
        RunLoop.Result r = RunLoop.run(new Toy(-1, false), options(dir.resolve("a"), 6, 0.1));
        assertThat(r.rows()).hasSize(6);
        assertThat(r.rows().stream().map(m -> m.get("step")).toList()).containsExactly(0, 1, 2, 3, 4, 5);
        Files.writeString(jsonl, "{\"step\":0}\n{cut\n{\"step\":1}\n");
        assertThatThrownBy(() -> MetricsLog.read(jsonl, 6)).hasMessageContaining("line 2");
    }

    @Test
    void aCheckpointKilledMidSwapIsFoundWhole() throws Exception {
        RunLoop.run(new Toy(-1, false), options(dir.resolve("a"), 4, 0.1));
        Path out = dir.resolve("a");
        // killed after the old checkpoint was moved aside and before the new one was moved in: the new one is whole
        Files.move(out.resolve("checkpoint"), out.resolve("checkpoint.tmp"));
        Toy t = new Toy(-1, false);
        assertThat(TrainingCheckpoint.resume(out, t.parts(), settings(0.1)).step()).isEqualTo(4);
        assertThat(out.resolve("checkpoint/trainer_state.json")).as("promoted back to checkpoint/, out of the next save's clean-up").exists();
        assertThat(out.resolve("checkpoint.tmp")).doesNotExist();
        // a half-written new checkpoint (no trainer_state.json yet) beside the old one: the old one is used
        Files.move(out.resolve("checkpoint"), out.resolve("checkpoint.old"));
        Files.createDirectories(out.resolve("checkpoint.tmp/model"));
        assertThat(TrainingCheckpoint.resume(out, t.parts(), settings(0.1)).step()).isEqualTo(4);
        RunLoop.Result r = RunLoop.run(new Toy(-1, false), options(out, 6, 0.1));
        assertThat(r.startStep()).isEqualTo(4);
        assertThat(out.resolve("checkpoint.old")).doesNotExist();
        assertThat(out.resolve("checkpoint.tmp")).doesNotExist();
    }

    @Test
    void aCheckpointHoldsSeveralNamedModelsAndOptimizers() {
        Toy a = new Toy(-1, false), b = new Toy(-1, false);
        a.step(0);
        b.step(0);
        b.step(1);
        var parts = new TrainingCheckpoint.Parts(new LinkedHashMap<>(Map.of("policy", a.model, "value", b.model)),
                new LinkedHashMap<>(Map.of("policy_optimizer", a.opt, "value_optimizer", b.opt)));
        TrainingCheckpoint.save(dir, parts, 7, null, JSON.createObjectNode().put("kl_coef", 0.05));
        Toy a2 = new Toy(-1, false), b2 = new Toy(-1, false);
        var back = TrainingCheckpoint.resume(dir, new TrainingCheckpoint.Parts(Map.of("policy", a2.model, "value", b2.model),
                Map.of("policy_optimizer", a2.opt, "value_optimizer", b2.opt)), null);
        assertThat(back.step()).isEqualTo(7);
        assertThat(back.state().get("kl_coef").asDouble()).isEqualTo(0.05);
        assertThat(a2.model.parameter("wte.weight")).containsExactly(a.model.parameter("wte.weight"));
        assertThat(b2.model.parameter("wte.weight")).containsExactly(b.model.parameter("wte.weight"));
        assertThat(b2.opt.steps()).isEqualTo(2);
        assertThat(a2.opt.steps()).isEqualTo(1);
    }

    @Test
    void aDamagedTrainerStateIsAOneLineErrorNamingTheFile() throws Exception {
        Path out = dir.resolve("a");
        RunLoop.run(new Toy(-1, false), options(out, 2, 0.1));
        Path state = out.resolve("checkpoint/trainer_state.json");
        String good = Files.readString(state);
        for (String[] c : new String[][]{
                {good.replaceFirst("\"step\":2", "\"step\":-3"), "\"step\" is -3, below 0"},
                {good.replaceFirst("\"step\":2", "\"step\":\"two\""), "\"step\" is not a whole number"},
                {good.replaceFirst("\"step\":2", "\"step\":2.5"), "\"step\" is not a whole number"},
                {good.substring(0, good.length() / 2), "is damaged (not JSON"},
                {"[1, 2]", "not a JSON object"},
                {good.replaceFirst("\"counter\":2", "\"other\":2"), "its trainer state"}}) {
            Files.writeString(state, c[0]);
            assertThatThrownBy(() -> RunLoop.run(new Toy(-1, false), options(out, 4, 0.1)))
                    .as(c[0]).isInstanceOf(AnchorException.class).hasMessageContaining(state.toString()).hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
        Files.writeString(state, good);
        assertThat(RunLoop.run(new Toy(-1, false), options(out, 4, 0.1)).startStep()).as("the repaired file resumes").isEqualTo(2);
    }
}
