/**
 * Chapter 6: PPO-based RLHF as TRL's {@code PPOTrainer} computes it — document 1, "Enter the Reference Model"
 * (reward − β·KL, the per-token KL penalty inside the reward), "What Can Go Wrong Without a Reference?" (measured by
 * a {@link anchor.ppo.Judge}) and "The Memory Problem" (FP16, CPU and periodic references inside the loop). The
 * per-token math is pure functions ({@link anchor.ppo.PpoMath}: shaped rewards, GAE, whitening, the clipped losses)
 * and the adaptive KL controller ({@link anchor.ppo.KlController}); {@link anchor.ppo.RolloutScores} computes every
 * quantity of a PPO update's steps 2–4 from the four models; {@link anchor.ppo.PpoTrainer} is the update in the run
 * loop and {@link anchor.ppo.PpoRun} a whole run.
 */
package anchor.ppo;
