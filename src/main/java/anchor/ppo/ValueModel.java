package anchor.ppo;

import anchor.gpt2.Gpt2Model;

/**
 * Where a PPO-family run's values V(s_t) come from — one of three designs, chosen by type:
 * <pre>
 * Separate(model)   TRL's PPOTrainer: a network of its own with a scalar head (by default started from the reward
 *                   model's weights), trained by its own optimizer under one global-norm clip with the policy
 * SHARED_TRUNK      Ziegler et al. (2019): a scalar head on the policy's own trunk; both losses flow into one trunk
 *                   through one optimizer, and the run holds three models, not four
 * NONE              GRPO and RLOO: no critic; the baseline is the group's other responses
 * </pre>
 */
public sealed interface ValueModel {
    ValueModel SHARED_TRUNK = new SharedTrunk(), NONE = new None();

    /** A value network of its own. */
    record Separate(Gpt2Model model) implements ValueModel {
        public Separate {
            if (!model.hasScoreHead()) throw new anchor.AnchorException("a value model needs a scalar head (score.weight)");
        }
    }

    /** The policy's own trunk, read through its scalar head. */
    record SharedTrunk() implements ValueModel {
    }

    /** No value model (critic-free). */
    record None() implements ValueModel {
    }
}
