package anchor.train;

import anchor.AnchorException;

/**
 * Training produced something that is not a number — the loss, the gradient norm or a weight. The one exception every
 * trainer throws for it; {@link RunLoop} catches it, writes the metrics so far and stops, keeping the last good
 * checkpoint.
 */
public final class Diverged extends AnchorException {
    public Diverged(String message) {
        super(message);
    }
}
