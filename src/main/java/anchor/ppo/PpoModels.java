package anchor.ppo;

import anchor.AnchorException;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.LanguageModel;
import anchor.reward.RewardModel;

/**
 * The models of a PPO-family run (document 3, "Why DPO?": policy, reference, reward and value model): the policy is
 * trained; the reference and the reward model are frozen; the value model is one of {@link ValueModel}'s three designs.
 */
public record PpoModels(Gpt2Model policy, LanguageModel reference, Gpt2Model reward, RewardModel.Normalization normalization, ValueModel value) {
    public PpoModels {
        if (value instanceof ValueModel.SharedTrunk && !policy.hasScoreHead()) {
            throw new AnchorException("a shared-trunk value model needs a scalar head on the policy");
        }
    }

    public boolean sharedTrunk() {
        return value instanceof ValueModel.SharedTrunk;
    }

    public boolean hasCritic() {
        return !(value instanceof ValueModel.None);
    }

    /** The network whose scalar head gives the values: the separate value model, or the policy itself on a shared trunk. */
    public Gpt2Model critic() {
        if (value instanceof ValueModel.Separate s) return s.model();
        if (value instanceof ValueModel.SharedTrunk) return policy;
        throw new AnchorException("a critic-free run has no value model");
    }
}
