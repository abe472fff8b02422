/**
 * The machinery every trainer shares: {@link anchor.train.RunLoop} (the one loop: steps, progress bar, checkpoints,
 * exact resume, the divergence stop), {@link anchor.train.MetricsLog} (the one metrics log), {@link anchor.train.TrainingCheckpoint}
 * (the one checkpoint, of any number of models and optimizers), the optimizers and the schedule, and language-model
 * training ({@link anchor.train.LmTrainer}).
 */
package anchor.train;
