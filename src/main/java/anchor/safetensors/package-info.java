/** The safetensors format, read and written by hand with every bounds check. Guide: chapters/01-gpt2-foundation.md, "Checkpoints". */
package anchor.safetensors;
