/**
 * The statistics kit every claim is to rest on (issue #37): a mean with its standard error and degrees of freedom
 * ({@link anchor.stats.Estimate}), paired differences over shared seeds ({@link anchor.stats.Estimate#paired}),
 * intervals and p-values from Student's t ({@link anchor.stats.StudentT}), Holm's correction across a table's
 * comparisons ({@link anchor.stats.Holm}) and the seeds a difference would need ({@link anchor.stats.SeedsNeeded}).
 * Checked against scipy ({@code StatsKitTest}, fixtures and the script that made them in src/test/resources).
 */
package anchor.stats;
