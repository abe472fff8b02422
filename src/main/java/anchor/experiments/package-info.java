/**
 * Chapters 4 and 5's experiments on the embedded world: document 2 (arXiv 2407.13709, "Key Results") — β sensitivity
 * and the reference-free objective ({@link anchor.experiments.Experiments}), stronger and compatible references
 * ({@link anchor.experiments.StrongerReference}) — and document 3's "Mitigations" for distribution shift, iterative
 * DPO ({@link anchor.experiments.IterativeDpo}). Sits above {@code dpo} and {@code world} and joins them.
 */
package anchor.experiments;
