package anchor.gpt2;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * What one forward and backward pass of a {@link Loss} returns: the loss, the token log-probs (B, T−1) if the LM head
 * was in it (0 where it did not run), the scores (B, T) if the scalar head was, and ∂loss/∂parameter under Hugging
 * Face's names (the caller's to update in place and release).
 */
public record Gradients(double loss, double[][] tokenLogProbs, double[][] scores, Map<String, INDArray> byParameter) {
}
