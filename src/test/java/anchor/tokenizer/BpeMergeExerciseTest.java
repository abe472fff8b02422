package anchor.tokenizer;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Exercise 1.1. */
@Tag("exercise")
class BpeMergeExerciseTest {
    static BpeMerge.PairRanks table(Map<String, Integer> ranks) {
        return (a, b) -> ranks.getOrDefault(a + " " + b, BpeMerge.NONE);
    }

    @Test
    void lowestRankMergesFirstAndEveryOccurrenceMerges() {
        // "aaab": (a a) has rank 0 → "aa","a","b" (left to right, no overlap), then (a b) rank 1 → "aa","ab".
        BpeMerge.PairRanks r = table(Map.of("a a", 0, "a b", 1, "aa ab", 5));
        assertThat(BpeMerge.merge("aaab", r)).containsExactly("aaab");
        assertThat(BpeMerge.merge("abab", table(Map.of("a b", 0)))).containsExactly("ab", "ab");
        assertThat(BpeMerge.merge("xyz", table(Map.of()))).containsExactly("x", "y", "z");
        assertThat(BpeMerge.merge("q", table(Map.of("q q", 0)))).containsExactly("q");
        assertThat(BpeMerge.merge("aba", table(Map.of("a b", 0)))).as("the word ends in the pair's left symbol, unmerged")
                .containsExactly("ab", "a");
        assertThat(BpeMerge.merge("baab", table(Map.of("a b", 0)))).as("the pair at the end").containsExactly("b", "a", "ab");
    }

    @Test
    void ranksDecideOrderNotPosition() {
        // b c (rank 0) beats a b (rank 1) although a b comes first: "abc" → "a","bc", then no (a bc) rule.
        assertThat(BpeMerge.merge("abc", table(Map.of("a b", 1, "b c", 0)))).containsExactly("a", "bc");
    }

    @Test
    void gpt2RanksSplitRealWords() {
        // With GPT-2's ranks (rank of the merged token), the stored ids of these words are known from the hub tokenizer.
        Gpt2Tokenizer tok = Gpt2Tokenizer.gpt2();
        assertThat(tok.encode(" tokenization")).containsExactly(11241, 1634);
        assertThat(tok.encode("Hello")).containsExactly(15496);
        List<String> symbols = BpeMerge.merge("Ġtokenization", (a, b) -> {
            try {
                return tok.encode(new String(ByteLevel.decode(a + b), java.nio.charset.StandardCharsets.UTF_8)).length == 1
                        ? tok.encode(new String(ByteLevel.decode(a + b), java.nio.charset.StandardCharsets.UTF_8))[0] : BpeMerge.NONE;
            } catch (RuntimeException e) {
                return BpeMerge.NONE;
            }
        });
        assertThat(symbols).containsExactly("Ġtoken", "ization");
    }
}
