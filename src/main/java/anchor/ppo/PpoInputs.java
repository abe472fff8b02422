package anchor.ppo;

import anchor.gpt2.Gpt2Weights;
import anchor.reference.ReferenceModel;
import anchor.reward.RewardModel;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a PPO-family run trains with, built by name: {@code PpoInputs.of(policy, reward, normalization, prompts, id)},
 * then {@code withReference}, {@code withReferencePlacement}, {@code withValue}, {@code withEvaluation} where the
 * defaults do not fit. The defaults are TRL's: the reference a copy of the initial policy, in FP32; the value model
 * started from the reward model's weights; no judge and no evaluation prompts.
 *
 * @param reference      the reference's own weights; empty: the policy's initial weights, read once for both
 * @param value          where the value model starts (critic-free runs ignore it)
 * @param judge          the true reward and well-formedness of a response, where the setting knows them (null: not logged)
 * @param evalPrompts    the prompts sampled every {@code evalEvery} updates
 */
public record PpoInputs(Source policy, Optional<Source> reference, ReferenceModel.Placement referencePlacement, Source reward,
                        RewardModel.Normalization normalization, ValueStart value, List<int[]> prompts, String promptsId, Judge judge,
                        List<int[]> evalPrompts) {

    /**
     * A model's weights and the id that names them in the run's saved settings (a path, or {@code world:sft}). The
     * weights are asked for once, when the models are built, and not kept: a supplier that loads them from disk leaves
     * no copy on the Java heap during the run (0.5 GB per GPT-2 124M).
     */
    public record Source(Supplier<Gpt2Weights> weights, String id) {
    }

    /** Where the value model starts: TRL's default (the reward model's weights, read once for both), weights of its own, or Ziegler's zero head on the policy's trunk. */
    public sealed interface ValueStart {
        ValueStart REWARD_MODEL = new FromRewardModel(), SHARED_TRUNK = new OnPolicyTrunk();

        record FromRewardModel() implements ValueStart {
        }

        record OnPolicyTrunk() implements ValueStart {
        }

        record Own(Source source) implements ValueStart {
        }

        /** The id the saved settings give the value model. */
        default String id() {
            if (this instanceof Own o) return o.source().id();
            return this instanceof OnPolicyTrunk ? "shared trunk" : "reward model";
        }
    }

    public static PpoInputs of(Source policy, Source reward, RewardModel.Normalization normalization, List<int[]> prompts, String promptsId) {
        return new PpoInputs(policy, Optional.empty(), ReferenceModel.Placement.FP32, reward, normalization, ValueStart.REWARD_MODEL, prompts, promptsId, null, List.of());
    }

    public PpoInputs withReference(Source v) {
        return new PpoInputs(policy, Optional.of(v), referencePlacement, reward, normalization, value, prompts, promptsId, judge, evalPrompts);
    }

    public PpoInputs withReferencePlacement(ReferenceModel.Placement v) {
        return new PpoInputs(policy, reference, v, reward, normalization, value, prompts, promptsId, judge, evalPrompts);
    }

    public PpoInputs withValue(ValueStart v) {
        return new PpoInputs(policy, reference, referencePlacement, reward, normalization, v, prompts, promptsId, judge, evalPrompts);
    }

    public PpoInputs withEvaluation(Judge j, List<int[]> evalPrompts) {
        return new PpoInputs(policy, reference, referencePlacement, reward, normalization, value, prompts, promptsId, j, evalPrompts);
    }

    /** The id the saved settings give the reference. */
    public String referenceId() {
        return reference.map(Source::id).orElse("policy");
    }
}
