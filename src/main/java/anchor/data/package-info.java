/**
 * Data every algorithm reads: preference pairs in TRL's JSONL format (document 3, "What Each P Refers To": a prompt,
 * a chosen and a rejected response) and the one way a prompt and a response become one token sequence. Below the
 * algorithms and the world; imports only the tokenizer.
 */
package anchor.data;
