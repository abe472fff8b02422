package anchor.ppo;

/**
 * What a setting knows about a response beyond the reward model: its true reward and whether it is well formed. The
 * world knows both exactly (its gold reward and its grammar checker), which is what lets the PPO chapter measure
 * reward hacking and language drift instead of guessing at them.
 */
public interface Judge {
    /** The true reward of a response (its token ids, cut after the first {@code <|endoftext|>}). */
    double gold(int[] responseIds);

    /** Whether the response is well formed (the world: grammatical). */
    boolean wellFormed(int[] responseIds);
}
