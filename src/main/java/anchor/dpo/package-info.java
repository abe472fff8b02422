/**
 * Document 3 (The DPO loss): "The DPO Loss Function", "What Each P Refers To", "Training: Four Forward Passes Per
 * Example"; and the variants document 2 compares (arXiv 2407.13709, "Key Results": the reference-free objective).
 */
package anchor.dpo;
