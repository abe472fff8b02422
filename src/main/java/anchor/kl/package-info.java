/**
 * Document 1 (The Reference Model), "Computing KL Divergence: The Actual Math": the per-token KL penalty and the
 * objective reward − β·KL; beyond the document, the k2/k3 estimators and the exact full-vocabulary KL.
 * Guide: chapters/02-reference-model.md.
 */
package anchor.kl;
