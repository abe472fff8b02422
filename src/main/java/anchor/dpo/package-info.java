/**
 * Chapter 4 and 5. Document 3 (The DPO loss): "The DPO Loss Function", "What Each P Refers To", "Training: Four
 * Forward Passes Per Example", "Models in Memory", "DPO's Limitation: Distribution Shift" and its "Mitigations"
 * ({@link anchor.dpo.IterativeDpo}). Document 2 (arXiv 2407.13709, "Key Results"): β sensitivity and the
 * reference-free objective ({@link anchor.dpo.Experiments}), stronger and compatible references
 * ({@link anchor.dpo.StrongerReference}).
 */
package anchor.dpo;
