package anchor.train;

import anchor.AnchorException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.Pointer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one training loop. A trainer supplies one step (→ a row of named metrics) and the parts a checkpoint holds;
 * the loop does the rest for every trainer alike:
 * <pre>
 * lock out (one run per directory; an unwritable one fails here) — held until the run's final models are written
 * resume from out/checkpoint if there is one (its settings must equal this run's; the differing one is named) and say so
 * for step = start … steps−1:
 *     row ← trainer.step(step)                      may throw Diverged
 *     log the row; advance the progress bar
 *     every saveEvery steps and at the end: write the metrics, then the checkpoint (atomically)
 * on Diverged: write the metrics so far, stop, and say where the last good checkpoint is
 * trainer.writeFinal(out): what the finished run leaves beside its checkpoint (the trained models)
 * </pre>
 * The metrics are written before the checkpoint: a kill between the two leaves rows past the checkpoint's step,
 * which the resumed run drops and recomputes, never a checkpoint whose rows are missing.
 */
public final class RunLoop {
    private RunLoop() {
    }

    /** What a trainer supplies. */
    public interface Trainer {
        /** Optimizer step {@code step}: its metrics by name ({@code step} itself is added by the loop). */
        Map<String, Object> step(int step);

        /** The models and optimizers a checkpoint holds. */
        TrainingCheckpoint.Parts parts();

        /** State beyond the parts and the step (a KL controller, say), saved with each checkpoint; null if none. */
        default ObjectNode state() {
            return null;
        }

        /** Restores what {@link #state} returned. */
        default void restore(ObjectNode state) {
        }

        /**
         * Writes what the finished run leaves in its directory beside the checkpoint — the trained models, in Hugging
         * Face's layout — while the run still holds the directory's lock; nothing by default. Not called for a run
         * without a directory.
         */
        default void writeFinal(Path out) {
        }

        /** What every trainer's {@link #writeFinal} writes first: the trained policy as {@code out/model} (FP32, no scalar head). */
        static void savePolicy(anchor.gpt2.Gpt2Model policy, Path out) {
            anchor.checkpoint.HfCheckpoint.save(policy, false, out.resolve("model"), anchor.safetensors.DType.F32);
        }

        /** The progress bar's message after a step. */
        default String progressMessage(Map<String, Object> row) {
            return "";
        }
    }

    /**
     * @param task      the progress bar's name
     * @param steps     steps in the whole run (a resumed run continues to here)
     * @param out       the run directory; null writes nothing and resumes nothing (experiments, tours)
     * @param saveEvery steps between checkpoints (and a checkpoint at the end)
     * @param progress  whether to draw a progress bar (only on a terminal)
     * @param settings  what identifies the run, checked on resume (null: not checked)
     * @param metrics   the metrics log's CSV columns and curves
     * @param log       where the run says that it resumed (null: nowhere)
     */
    public record Options(String task, int steps, Path out, int saveEvery, boolean progress, ObjectNode settings, MetricsLog.Layout metrics,
                          PrintWriter log) {
        public Options {
            if (steps < 1) throw new AnchorException("--steps must be >= 1, got " + steps);
            if (saveEvery < 1) throw new AnchorException("--save-every must be >= 1, got " + saveEvery);
        }

        /** A run that reports nothing. */
        public Options(String task, int steps, Path out, int saveEvery, boolean progress, ObjectNode settings, MetricsLog.Layout metrics) {
            this(task, steps, out, saveEvery, progress, settings, metrics, null);
        }

        /** In memory only: no directory, no bar, no checkpoint. */
        public static Options inMemory(String task, int steps) {
            return new Options(task, steps, null, steps, false, null, MetricsLog.Layout.PLAIN);
        }
    }

    /** Every row of the run (resumed steps included), the step it started from, and the peak resident memory seen. */
    public record Result(List<Map<String, Object>> rows, int startStep, long peakPhysicalBytes) {
        public Map<String, Object> last() {
            return rows.get(rows.size() - 1);
        }
    }

    public static Result run(Trainer trainer, Options o) {
        if (o.out() == null) return loop(trainer, o);
        try (RunLock lock = RunLock.acquire(o.out())) {
            Result r = loop(trainer, o);
            trainer.writeFinal(o.out());
            return r;
        }
    }

    /** Seconds between the garbage collections the loop asks for after a step (see {@link #collectionDue}). */
    static final double COLLECTION_INTERVAL_SECONDS = 3;

    /**
     * Whether to ask for a garbage collection after this step. ND4J frees an array's native buffer only when its Java
     * object is collected, and a step's large temporaries are small objects on the Java heap, so nothing prompts a
     * collection while they pile up: a GPT-2-shaped DPO run climbed about 0.4 GiB a step to an 11.0 GiB peak over 16 steps. One
     * {@code System.gc()} after a step, at most every {@value #COLLECTION_INTERVAL_SECONDS} seconds, held it at 6.4 GiB
     * and ran no slower (bench/NOTES.md, "Memory").
     */
    static boolean collectionDue(long lastNanos, long nowNanos) {
        return nowNanos - lastNanos >= COLLECTION_INTERVAL_SECONDS * 1e9;
    }

    private static Result loop(Trainer trainer, Options o) {
        Path out = o.out();
        TrainingCheckpoint.Resumed resumed = out == null ? new TrainingCheckpoint.Resumed(0, null) : TrainingCheckpoint.resume(out, trainer.parts(), o.settings());
        int start = resumed.step();
        if (start > o.steps()) throw new AnchorException(out + "/checkpoint is at step " + start + ", past --steps " + o.steps());
        if (resumed.state() != null) {
            try {
                trainer.restore(resumed.state());
            } catch (RuntimeException e) {   // a field the trainer needs is missing or of the wrong kind
                if (e instanceof AnchorException) throw e;
                throw new AnchorException(out.resolve(TrainingCheckpoint.DIR) + "/" + TrainingCheckpoint.STATE + " is damaged (its trainer state: "
                        + e.getClass().getSimpleName() + "); delete the checkpoint or give a new --out", e);
            }
        }
        if (start > 0 && o.log() != null) {
            o.log().printf("anchor: resumed from %s/%s at step %d%n", out, TrainingCheckpoint.DIR, start);
            o.log().flush();
        }
        MetricsLog log = MetricsLog.open(out, o.metrics(), start);
        int saved = start;
        System.gc();   // the setup's garbage (weights read into the Java heap and copied into the models) goes before the first step's arrays come
        long peak = Pointer.physicalBytes(), lastCollection = System.nanoTime();
        try (Progress bar = Progress.start(o.task(), o.steps(), start, o.progress())) {
            for (int step = start; step < o.steps(); step++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", step);
                try {
                    row.putAll(trainer.step(step));
                } catch (Diverged e) {
                    log.write();
                    throw new Diverged(e.getMessage() + "; training stopped. " + (out == null ? ""
                            : saved > 0 ? "The last good checkpoint (step " + saved + ") is in " + out.resolve(TrainingCheckpoint.DIR)
                            : "No checkpoint had been written yet (--save-every " + o.saveEvery() + ")"));
                }
                log.add(row);
                peak = Math.max(peak, Pointer.physicalBytes());
                if (collectionDue(lastCollection, System.nanoTime())) {
                    System.gc();
                    lastCollection = System.nanoTime();
                }
                bar.step(trainer.progressMessage(row));
                if (out != null && ((step + 1) % o.saveEvery() == 0 || step + 1 == o.steps())) {
                    log.write();
                    TrainingCheckpoint.save(out, trainer.parts(), step + 1, o.settings(), trainer.state());
                    saved = step + 1;
                }
            }
        }
        if (out != null && start == o.steps()) log.write();
        return new Result(log.rows(), start, peak);
    }
}
