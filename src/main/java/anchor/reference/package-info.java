/**
 * Document 1 (The Reference Model): "Enter the Reference Model" (the frozen copy), "The Memory Problem" (FP16, CPU
 * and periodic options), "Sanity Check: Is the Reference Actually Frozen?" and "Monitoring Drift During Training".
 * Guide: chapters/02-reference-model.md.
 */
package anchor.reference;
