/**
 * Chapter 6 (in progress): PPO-based RLHF as TRL's {@code PPOTrainer} computes it — document 1, "The RLHF objective"
 * (reward − β·KL, the per-token KL penalty inside the reward) and "What can go wrong". The per-token math is pure
 * functions ({@link anchor.ppo.PpoMath}: shaped rewards, GAE, whitening, the clipped losses) and the adaptive KL
 * controller ({@link anchor.ppo.KlController}); {@link anchor.ppo.PpoExplain} computes, for one response, every
 * quantity of a PPO update's steps 2–4 from the four models.
 */
package anchor.ppo;
