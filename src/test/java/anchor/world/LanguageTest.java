package anchor.world;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class LanguageTest {
    @Test
    void everythingGeneratedIsGrammatical() {
        Random r = new Random(1);
        for (int i = 0; i < 5000; i++) {
            String s = Language.story(r);
            assertThat(Language.isGrammatical(s)).as(s).isTrue();
            assertThat(Language.isGrammatical(" " + s)).as("a response continues with one space").isTrue();
        }
    }

    @Test
    void corruptedTextIsNot() {
        String[] bad = {"", " ", "The dog sees a cat", "the dog sees a cat.", "The dog sees a cat.  A bird sings.", "The dog dog sees a cat.",
                "The happy happy dog sings.", "A dog sings happily happily.", "The dog is dog.", "An dog sings.", "The dog sings. a bird sings.",
                "The dog sees.", "Dog sings.", "The dog sings .", "The kind kind kind.", "The dog sings. The", "The unicorn sings."};
        for (String s : bad) assertThat(Language.isGrammatical(s)).as("'%s'", s).isFalse();
        assertThat(Language.isGrammatical("The dog sees a cat. A brave bird sings happily. The king is kind.")).isTrue();
    }

    @Test
    void sameSeedSameCorpus() {
        assertThat(Language.story(new Random(9))).isEqualTo(Language.story(new Random(9)));
        assertThat(World.batch(3, 17, 4).ids()).isDeepEqualTo(World.batch(3, 17, 4).ids());
        assertThat(World.batch(3, 17, 4).ids()).isNotEqualTo(World.batch(3, 18, 4).ids());
        assertThat(World.batch(3, 0, 2).ids()[0][0]).isEqualTo(World.tokenizer().eotId());
        assertThat(World.batch(3, 0, 2).length()).isEqualTo(World.SEQ_LEN);
    }

    @Test
    void goldReward() {
        assertThat(GoldReward.of(" The kind dog helps a happy cat warmly.")).isEqualTo(4);   // kind, helps, happy, warmly
        assertThat(GoldReward.of(" The cruel dog bites a cat.")).isEqualTo(-2);
        assertThat(GoldReward.of(" The dog sees a cat.")).isZero();
        assertThat(GoldReward.of(" The dog sees a cat. The sad king cries.")).isEqualTo(-2);
        assertThat(GoldReward.of(" kind kind kind happy")).isEqualTo(GoldReward.UNGRAMMATICAL);
        assertThat(GoldReward.of(" The kind dog smiles. happy happy")).isEqualTo(2 + GoldReward.UNGRAMMATICAL);
        assertThat(GoldReward.of("")).isEqualTo(GoldReward.UNGRAMMATICAL);
    }

    @Test
    void distinctN() {
        assertThat(WorldEval.distinct(java.util.List.of("a b a b"), 1)).isEqualTo(0.5);
        assertThat(WorldEval.distinct(java.util.List.of("a b a b"), 2)).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    }
}
