/**
 * Chapter 4. Document 3 (The DPO loss): "The DPO Loss Function" ({@link anchor.dpo.DpoLoss}), "What Each P Refers To"
 * ({@link anchor.data.PreferenceBatch}, {@link anchor.data.PairBatches}, shared with the reward model), "Training: Four Forward Passes Per Example"
 * ({@link anchor.dpo.DpoTrainer}), "Models in Memory" ({@link anchor.dpo.DpoReference}). The algorithm only: it reads
 * {@code anchor.data}'s pairs and never the world; the experiments that run it on the world are in
 * {@code anchor.experiments}.
 */
package anchor.dpo;
