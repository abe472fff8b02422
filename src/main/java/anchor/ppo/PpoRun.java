package anchor.ppo;

import anchor.checkpoint.HfCheckpoint;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gpt2Weights;
import anchor.kl.KlEstimators;
import anchor.reference.ReferenceModel;
import anchor.reward.RewardModel;
import anchor.safetensors.DType;
import anchor.train.RunLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A whole PPO run in a run directory, as {@code anchor ppo} starts it: the four models (document 3, "Why DPO?": policy,
 * reference, reward and value model), their memory printed, {@link PpoTrainer} in the run loop (resuming a checkpoint
 * of the same run), and the final policy and value model written to {@code out/model} and {@code out/value}.
 */
public final class PpoRun {
    private PpoRun() {
    }

    /**
     * What a run trains with; the ids identify the inputs in the saved settings. The value model starts from
     * {@code value} (TRL's default: the reward model's weights).
     */
    public record Inputs(Gpt2Weights policy, String policyId, Gpt2Weights reference, String referenceId, ReferenceModel.Placement referencePlacement, Gpt2Weights reward,
                         RewardModel.Normalization normalization, String rewardId, Gpt2Weights value, String valueId,
                         List<int[]> prompts, String promptsId, ToDoubleFunction<int[]> gold) {
    }

    public record Outcome(RunLoop.Result result, Gpt2Model policy, long[] modelBytes) {
    }

    /**
     * Chapter 2's reference in the placement asked for (document 1, "The Memory Problem"): FP32, or FP16 storage cast
     * to FP32 where used. The CPU placement's plain-Java forward gives log-probs at T = 1 only, not the logits PPO
     * divides by T, so it is refused here.
     */
    static Gpt2Model reference(Gpt2Weights w, ReferenceModel.Placement placement) {
        checkPlacement(placement);
        return (Gpt2Model) ReferenceModel.create(Gpt2Model.of(w), placement);
    }

    /** Refuses the placements PPO cannot use (before any model is loaded). */
    public static void checkPlacement(ReferenceModel.Placement placement) {
        if (placement == ReferenceModel.Placement.CPU) {
            throw new anchor.AnchorException("--reference-dtype cpu is not available in PPO yet (its plain-Java forward has no temperature); use fp32 or fp16");
        }
    }

    public static Outcome train(Inputs in, PpoSettings s, KlController controller, KlEstimators.Estimator estimator, Path out, int saveEvery,
                                boolean progress, PrintWriter log) {
        var models = new PpoTrainer.Models(Gpt2Model.of(in.policy()), reference(in.reference(), in.referencePlacement()),
                Gpt2Model.of(in.reward()).frozenCopy(), in.normalization(), Gpt2Model.of(in.value()));
        long[] bytes = {models.policy().parameterBytes(), models.reference().parameterBytes(), models.reward().parameterBytes(), models.value().parameterBytes()};
        log.printf("anchor: four models resident: policy %.1f MB, reference %.1f MB, reward %.1f MB, value %.1f MB (parameters only)%n",
                bytes[0] / 1e6, bytes[1] / 1e6, bytes[2] / 1e6, bytes[3] / 1e6);
        ObjectNode id = new ObjectMapper().valueToTree(s);
        // steps stay in the identity: the learning rate decays over --steps, so a longer run is another run
        id.put("kl_estimator", estimator.name()).put("kl_controller", controller.isAdaptive() ? "adaptive" : "fixed").put("kl_coef_initial", controller.beta())
                .put("policy", in.policyId()).put("reference", in.referenceId()).put("reference_dtype", in.referencePlacement().name()).put("reward_model", in.rewardId()).put("value_model", in.valueId())
                .put("prompts", in.promptsId());
        var trainer = new PpoTrainer(models, in.prompts(), s, controller, estimator, in.gold());
        RunLoop.Result r = RunLoop.run(trainer, new RunLoop.Options("ppo", s.steps(), out, saveEvery, progress, id, PpoTrainer.METRICS));
        if (r.startStep() > 0) log.printf("anchor: resumed from %s/checkpoint at step %d%n", out, r.startStep());
        HfCheckpoint.save(models.policy().weights(), out.resolve("model"), DType.F32);
        HfCheckpoint.save(models.value().weights(), out.resolve("value"), DType.F32);
        return new Outcome(r, models.policy(), bytes);
    }
}
