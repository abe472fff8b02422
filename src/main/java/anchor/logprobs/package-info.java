/**
 * Token log-prob gathering: document 1 (The Reference Model), section "Computing KL Divergence: The Actual Math" —
 * shift, log-softmax, gather, with padding and response masks.
 */
package anchor.logprobs;
