/** GPT-2's byte-level BPE tokenizer, from scratch. Guide: chapters/01-gpt2-foundation.md, "Tokenizer". */
package anchor.tokenizer;
