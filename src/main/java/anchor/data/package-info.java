/**
 * Data every algorithm reads: preference pairs in TRL's JSONL format (document 3, "What Each P Refers To": a prompt,
 * a chosen and a rejected response), the one way a prompt and a response become one token sequence, and pairs as
 * token batches (response masks, the seeded batch order, the concatenated chosen-then-rejected rows) that DPO and
 * reward-model training share. Below the algorithms and the world.
 */
package anchor.data;
