/** Hugging Face GPT-2 directories: import (every layout) and export. Guide: chapters/01-gpt2-foundation.md, "Checkpoints". */
package anchor.checkpoint;
