/**
 * GPT-2 rebuilt as a SameDiff graph with Hugging Face's tensor names, and an independent plain-Java float64 forward
 * to prove it. The model every document assumes; guide: chapters/01-gpt2-foundation.md.
 */
package anchor.gpt2;
