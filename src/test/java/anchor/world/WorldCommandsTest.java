package anchor.world;

import anchor.testing.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The world's commands on the committed SFT model, cut down to a few prompts. */
class WorldCommandsTest {
    @TempDir
    Path dir;

    static JsonNode run(String... args) throws Exception {
        Cli.Result r = Cli.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        return r.json();
    }

    @Test
    void dataIsRegeneratedBitExactlyAndReadsBack() throws Exception {
        run("world", "data", "--json", "--train", "6", "--held-out", "2", "--out", dir.resolve("a").toString());
        run("world", "data", "--json", "--train", "6", "--held-out", "2", "--out", dir.resolve("b").toString());
        assertThat(Files.readAllBytes(dir.resolve("b/train.jsonl"))).isEqualTo(Files.readAllBytes(dir.resolve("a/train.jsonl")));
        var pairs = anchor.data.PreferenceJsonl.read(dir.resolve("a/train.jsonl"));
        assertThat(pairs).hasSize(6);
        for (var p : pairs) {
            assertThat(p.prompt()).startsWith("<|endoftext|>");
            assertThat(Language.isSentence(PreferenceData.sentenceOf(p.prompt()))).isTrue();
            assertThat(p.chosenGold()).isEqualTo(GoldReward.of(p.chosen()));
            assertThat(p.rejectedGold()).isEqualTo(GoldReward.of(p.rejected()));
        }
    }

    @Test
    void evalOfTheSftModelAgainstItself() throws Exception {
        JsonNode r = run("world", "eval", "--json", "--prompts", "32");
        assertThat(r.get("samples").asInt()).isEqualTo(32);
        assertThat(r.get("sampledKl").asDouble()).isZero();
        double win = r.get("winRateVsSft").asDouble(), se = r.get("winRateSe").asDouble();
        assertThat(se).as("the win rate is against another seed's SFT samples: not 0.5 by construction, so it has a spread").isPositive();
        assertThat(Math.abs(win - 0.5)).as("SFT against SFT: 0.5 within three standard errors").isLessThanOrEqualTo(3 * se);
        assertThat(r.get("meanLength").asDouble()).as("mean response length in tokens").isBetween(2.0, 41.0);
        assertThat(r.get("grammaticalRate").asDouble()).isGreaterThan(0.5);
        assertThat(r.get("referencePerplexity").asDouble()).isBetween(2.0, 30.0);
    }
}
