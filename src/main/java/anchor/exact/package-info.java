/**
 * The exact world (chapter 7, #40): a GPT-2 over a handful of tokens whose responses are few enough to enumerate, so
 * that a KL, an objective or an expectation is a sum over every response instead of an estimate from samples. A
 * response ends at its first {@code <|endoftext|>} (included) or is cut at L tokens; its probability is the product of
 * its tokens' conditional probabilities, so the probabilities of all responses sum to 1. Above {@code gpt2} and
 * {@code data}; nothing here knows the embedded world.
 */
package anchor.exact;
