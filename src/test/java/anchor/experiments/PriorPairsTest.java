package anchor.experiments;

import anchor.data.PreferenceBatch;
import anchor.data.PreferencePair;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.world.World;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The likelihood-function objective's reference: the same responses after <|endoftext|> alone (the SFT model's prior p(y)). */
class PriorPairsTest {
    @Test
    void priorPairsKeepTheResponsesAndDropThePrompt() {
        List<PreferencePair> pairs = World.trainPairs().subList(0, 3);
        List<PreferenceBatch> prior = Experiments.priorPairs(Experiments.tokenize(pairs));
        Gpt2Tokenizer tok = World.tokenizer();
        for (int i = 0; i < pairs.size(); i++) {
            int[] chosen = tok.encode(pairs.get(i).chosen()), rejected = tok.encode(pairs.get(i).rejected());
            assertThat(prior.get(i).chosen().ids()[0]).as("pair " + i + ": <|endoftext|>, the chosen response, <|endoftext|>")
                    .isEqualTo(anchor.data.PromptResponse.ids(new int[]{tok.eotId()}, chosen, tok.eotId()));
            assertThat(prior.get(i).rejected().ids()[0]).as("pair " + i + ": the rejected response")
                    .isEqualTo(anchor.data.PromptResponse.ids(new int[]{tok.eotId()}, rejected, tok.eotId()));
            assertThat(java.util.Arrays.stream(prior.get(i).chosenMask()[0]).sum()).as("every response token and the EOS scored").isEqualTo(chosen.length + 1);
        }
    }
}
