package anchor.ppo;

import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.gpt2.LanguageModel;
import anchor.gpt2.MemoryFloor;
import anchor.kl.KlEstimators;
import anchor.reference.ReferenceModel;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A whole PPO run in a run directory, as {@code anchor ppo} starts it: the four models (document 3, "Why DPO?": policy,
 * reference, reward and value model — three with a shared trunk), their memory printed, {@link PpoTrainer} in the run
 * loop (resuming a checkpoint of the same run; it writes the final policy to {@code out/model} and the value model to
 * {@code out/value}), and the process's peak resident memory measured at the end.
 */
public final class PpoRun {
    private PpoRun() {
    }

    public record Outcome(RunLoop.Result result, Gpt2Model policy, long[] modelBytes, long peakResidentBytes) {
    }

    /** Chapter 2's reference in the placement asked for (document 1, "The Memory Problem"): FP32, FP16 or plain-Java CPU. */
    static LanguageModel reference(Gpt2Weights w, ReferenceModel.Placement placement) {
        return ReferenceModel.create(w.withoutScoreHead(), placement);
    }

    /** The policy model: with a zero scalar head when its trunk also serves as the value model (Ziegler et al.). */
    static Gpt2Model policy(Gpt2Weights w, boolean sharedTrunk) {
        Gpt2Config c = w.config();
        return Gpt2Model.of(sharedTrunk ? w.withScoreHead(new float[c.nEmbd()]) : w.withoutScoreHead());
    }

    /** The models a run trains and consults, built from the inputs' weights (the reference and reward model frozen). */
    public static PpoModels models(PpoInputs in) {
        boolean shared = in.value() instanceof PpoInputs.ValueStart.OnPolicyTrunk;
        Gpt2Weights start = in.policy().weights().get(), reward = in.reward().weights().get();
        Gpt2Model policy = policy(start, shared);
        ValueModel value = shared ? ValueModel.SHARED_TRUNK
                : new ValueModel.Separate(Gpt2Model.of(in.value() instanceof PpoInputs.ValueStart.Own o ? o.source().weights().get() : reward));
        return new PpoModels(policy, reference(referenceWeights(in, start), in.referencePlacement()), Gpt2Model.frozen(reward), in.normalization(), value);
    }

    /** The reference's weights: its own, or the policy's initial ones (read once, not twice). */
    private static Gpt2Weights referenceWeights(PpoInputs in, Gpt2Weights policy) {
        return in.reference().map(r -> r.weights().get()).orElse(policy);
    }

    /** The three models of a critic-free run (GRPO, RLOO): the policy without any scalar head, the frozen reference and reward model; no value model. */
    public static PpoModels criticFreeModels(PpoInputs in) {
        Gpt2Weights start = in.policy().weights().get();
        return new PpoModels(Gpt2Model.of(start.withoutScoreHead()), reference(referenceWeights(in, start), in.referencePlacement()),
                Gpt2Model.frozen(in.reward().weights().get()), in.normalization(), ValueModel.NONE);
    }

    /** A whole run in {@code out}: PPO ({@link PpoTrainer}), or with {@code group} given {@link GroupTrainer} (GRPO or RLOO, no value model). */
    public static Outcome train(PpoInputs in, PpoSettings s, KlController controller, KlEstimators.Estimator estimator, GroupTrainer.Settings group,
                                Path out, int saveEvery, boolean progress, PrintWriter log) {
        PpoModels models = group == null ? models(in) : criticFreeModels(in);   // inputs read before the run directory is touched
        checkMemory(models.policy().config(), in.prompts(), s);
        long[] bytes = {models.policy().parameterBytes(), models.reference().parameterBytes(), models.reward().parameterBytes(),
                models.value() instanceof ValueModel.Separate v ? v.model().parameterBytes() : 0};
        String reference = in.referencePlacement().name().toLowerCase(Locale.ROOT);
        ObjectNode id = new ObjectMapper().valueToTree(s);   // steps stay in the identity: the learning rate decays over --steps, so a longer run is another run
        RunLoop.Trainer trainer;
        String task;
        if (group == null) {
            boolean shared = models.sharedTrunk();
            log.printf("anchor: %s models resident: policy %.1f MB, reference (%s) %.1f MB, reward %.1f MB, value %s (parameters only)%n",
                    shared ? "three" : "four", bytes[0] / 1e6, reference, bytes[1] / 1e6, bytes[2] / 1e6,
                    shared ? "on the policy's trunk" : String.format("%.1f MB", bytes[3] / 1e6));
            id.put("kl_estimator", estimator.name()).put("kl_controller", controller.isAdaptive() ? "adaptive" : "fixed").put("kl_coef_initial", controller.beta())
                    .put("policy", in.policy().id()).put("reference", in.referenceId()).put("reference_dtype", in.referencePlacement().name())
                    .put("reward_model", in.reward().id()).put("value_model", in.value().id()).put("prompts", in.promptsId());
            trainer = JudgedRollouts.of(new PpoTrainer(models, in.prompts(), s, controller, estimator), in.judge());
            task = "ppo";
        } else {
            log.printf("anchor: three models resident (%s, no value model): policy %.1f MB, reference (%s) %.1f MB, reward %.1f MB (parameters only)%n",
                    group.estimator(), bytes[0] / 1e6, reference, bytes[1] / 1e6, bytes[2] / 1e6);
            id.put("algorithm", group.estimator().name()).put("group_size", group.groupSize()).put("kl_coef", group.beta()).put("policy", in.policy().id())
                    .put("reference", in.referenceId()).put("reference_dtype", in.referencePlacement().name()).put("reward_model", in.reward().id()).put("prompts", in.promptsId());
            trainer = JudgedRollouts.of(new GroupTrainer(models, in.prompts(), s, group), in.judge());
            task = group.estimator().name().toLowerCase(Locale.ROOT);
        }
        RunLoop.Result r = RunLoop.run(evaluated(trainer, models, in, s), new RunLoop.Options(task, s.steps(), out, saveEvery, progress, id, PpoTrainer.METRICS, log));
        long peak = peakResidentBytes();
        if (peak > 0) log.printf("anchor: peak resident memory of this process: %.0f MiB%n", peak / (1024.0 * 1024.0));
        return new Outcome(r, models.policy(), bytes, peak);
    }

    /** {@code trainer} with the held-out evaluation every {@code s.evalEvery()} updates, before the update, from update 0 (itself when 0). */
    static RunLoop.Trainer evaluated(RunLoop.Trainer trainer, PpoModels models, PpoInputs in, PpoSettings s) {
        if (s.evalEvery() == 0) return trainer;
        if (in.evalPrompts().isEmpty()) throw new anchor.AnchorException("--eval-every needs evaluation prompts");
        return new anchor.train.EvaluatedTrainer(trainer, s.evalEvery(), true, () -> HeldOutEvaluation.of(models, in.evalPrompts(), s, in.judge()));
    }

    /** Refuses a --batch whose sampling or training pass can never fit (MemoryFloor), before the first update. */
    public static void checkMemory(Gpt2Config c, List<int[]> prompts, PpoSettings s) {
        long rows = s.batch() / s.miniBatches();
        int shortest = prompts.stream().mapToInt(p -> p.length).min().orElse(0) + 1;             // a prompt and at least one response token
        MemoryFloor.check("sampling " + s.batch() + " responses at once", MemoryFloor.sampling(c, s.batch()), "--batch", s.batch(), MemoryFloor.allowed());
        MemoryFloor.check("one training pass of " + rows + " sequences of at least " + shortest + " tokens", MemoryFloor.trainingPass(c, rows, shortest),
                "--batch", s.batch(), MemoryFloor.allowed());
    }

    /** The process's peak resident set (Linux's VmHWM), or −1 where it cannot be read. */
    public static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
