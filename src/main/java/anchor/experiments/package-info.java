/**
 * Chapters 4 to 6's experiments on the embedded world: document 2 (arXiv 2407.13709, "Key Results") — β sensitivity
 * and the three reward parameterisations of its RQ2 ({@link anchor.experiments.Experiments}), stronger and compatible
 * references ({@link anchor.experiments.StrongerReference}) —, document 3's "Mitigations" for distribution shift,
 * iterative DPO ({@link anchor.experiments.IterativeDpo}), and document 1's "What Can Go Wrong Without a Reference?"
 * under PPO ({@link anchor.experiments.NoKl}). Sits above {@code dpo}, {@code ppo} and {@code world} and joins them.
 */
package anchor.experiments;
