package anchor.gpt2;

import anchor.checkpoint.HfCheckpoint;
import anchor.docs.Document1;
import anchor.testing.Comparator;
import anchor.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks on OpenAI's real GPT-2, run only when {@code ANCHOR_GPT2_DIR} names a directory with the hub's
 * {@code config.json} and {@code model.safetensors} (and, optionally, {@code vocab.json} + {@code merges.txt});
 * skipped otherwise, since nothing is downloaded here.
 */
@EnabledIfEnvironmentVariable(named = "ANCHOR_GPT2_DIR", matches = ".+")
class RealGpt2Test {
    static Path dir() {
        return Path.of(System.getenv("ANCHOR_GPT2_DIR"));
    }

    @Test
    void importsWithTheMaskBuffersSkippedAndMatchesThePlainForward() {
        HfCheckpoint.Loaded l = HfCheckpoint.loadWithReport(dir());
        assertThat(l.weights().config()).isEqualTo(Gpt2Config.preset("gpt2"));
        assertThat(l.report().unexpectedKeys()).isEmpty();
        int[] ids = Gpt2Tokenizer.forModel(dir()).encode(Document1.TEXT);
        assertThat(ids).containsExactly(Document1.TOKENS.stream().mapToInt(Integer::intValue).toArray());
        Gpt2Model m = Gpt2Model.of(l.weights());
        assertThat(m.trainableParameterCount()).isEqualTo((long) Document1.POLICY_TRAINABLE.value());
        double[] expected = Comparator.flatten(new PlainGpt2(l.weights()).logits(ids));
        double[] actual = m.logits(TokenBatch.of(ids)).reshape(-1).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        Comparator.check("real GPT-2 logits", expected, actual, 1e-3);
        // a trained model predicts " how" after "Hello," far better than chance (log 1/50257 = -10.8)
        assertThat(m.tokenLogProbs(TokenBatch.of(ids))[0][1]).isGreaterThan(-8);
    }

    @Test
    void hubTokenizerFilesAgreeWithTheShippedRanks() {
        if (!Files.exists(dir().resolve("vocab.json"))) return;
        Gpt2Tokenizer hub = Gpt2Tokenizer.forModel(dir()), shipped = Gpt2Tokenizer.gpt2();
        for (String s : anchor.tokenizer.Gpt2TokenizerTestCorpus.CORPUS) assertThat(hub.encode(s)).containsExactly(shipped.encode(s));
    }
}
