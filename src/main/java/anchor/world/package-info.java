/**
 * The embedded default world: a tiny language with an exact grammar checker, a known gold reward, a small GPT-2
 * pretrained on it by Anchor itself, preference data, and the evaluation kit every alignment chapter uses.
 * Guide: chapters/03-world.md.
 */
package anchor.world;
