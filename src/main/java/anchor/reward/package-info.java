/**
 * Chapter 6: the reward model of PPO-based RLHF — document 1, "Enter the Reference Model" (the r(x, y) the KL
 * penalty is subtracted from). A GPT-2 trunk with a scalar head ({@code score.weight}, Hugging Face's
 * {@code GPT2ForSequenceClassification}) trained with TRL's {@code RewardTrainer} loss ({@link anchor.reward.BradleyTerry})
 * and normalised on the initial policy's samples (Ziegler et al. 2019), the normalisation folded into the weights.
 */
package anchor.reward;
