package anchor;

/**
 * An error caused by the user's input (a file, a flag, a text), with a message that names the problem.
 * The CLI prints only the message (and the stack trace with {@code --verbose}); anything else that escapes
 * is a bug in Anchor.
 */
public class AnchorException extends RuntimeException {
    public AnchorException(String message) {
        super(message);
    }

    public AnchorException(String message, Throwable cause) {
        super(message, cause);
    }
}
