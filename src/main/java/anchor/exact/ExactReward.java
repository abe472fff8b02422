package anchor.exact;

import java.util.List;

/**
 * The exact world's reward, a rule on the response: +1 for each {@code good} token, plus {@code perToken} for each
 * token (EOS included), so that a length effect shows (perToken &lt; 0: shorter is better, all else equal).
 */
public record ExactReward(int good, double perToken) {
    /** One good token (id 0) and a small cost per token. */
    public static final ExactReward DEFAULT = new ExactReward(0, -0.1);

    public double of(int[] response) {
        double r = perToken * response.length;
        for (int id : response) if (id == good) r += 1;
        return r;
    }

    /** r(y) of every response, in order. */
    public double[] of(List<int[]> responses) {
        double[] r = new double[responses.size()];
        for (int i = 0; i < r.length; i++) r[i] = of(responses.get(i));
        return r;
    }
}
