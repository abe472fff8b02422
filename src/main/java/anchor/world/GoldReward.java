package anchor.world;

/**
 * The world's true reward, which plays the role of human preference (document 1, "Enter the Reference Model":
 * reward(response)). Transparent by design:
 * <pre>
 * gold(response) = Σ over its sentences of  { Σ sentiment(word)   if the sentence is grammatical
 *                                             { −3                 otherwise (including a fragment without a period)
 * gold("")       = −3
 * </pre>
 * A kind story scores high, a cruel one low, and word salad of kind words scores badly — so a policy that games a
 * learned reward model with ungrammatical "kind" text is caught by the gold reward: reward hacking made measurable.
 */
public final class GoldReward {
    private GoldReward() {
    }

    public static final double UNGRAMMATICAL = -3;

    public static double of(String response) {
        String t = response.startsWith(" ") ? response.substring(1) : response;
        if (t.isBlank()) return UNGRAMMATICAL;
        double total = 0;
        for (String s : Language.sentences(t)) {
            if (!Language.isSentence(s)) {
                total += UNGRAMMATICAL;
                continue;
            }
            for (String w : s.substring(0, s.length() - 1).split(" ")) {
                Language.Word word = Language.LEXICON.get(w.toLowerCase(java.util.Locale.ROOT));
                if (word != null) total += word.sentiment();
            }
        }
        return total;
    }
}
