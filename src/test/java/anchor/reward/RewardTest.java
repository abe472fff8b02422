package anchor.reward;

import anchor.data.PairBatches;
import anchor.data.PreferenceBatch;
import anchor.data.PreferencePair;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.testing.FiniteDifferences;
import anchor.testing.TestModels;
import anchor.tokenizer.Gpt2Tokenizer;
import anchor.train.RunLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The reward model: TRL's loss and its gradient, scores read at the last token, training, normalisation, saving. */
class RewardTest {
    static final Gpt2Config C = new Gpt2Config(1, 2, 8, 32, Gpt2Config.GPT2_VOCAB, 16, 1e-5, true, 0, 0, 0, 0.02);
    static final List<PreferencePair> DATA = List.of(
            new PreferencePair("<|endoftext|>The dog sings.", " A kind cat smiles.", " A cruel cat bites the dog."),
            new PreferencePair("The king is sad.", " The queen helps the king.", " The queen cries."),
            new PreferencePair("A bird sleeps.", " The fox waits.", " The fox kicks a bird angrily."));

    @TempDir
    Path dir;

    static List<PreferenceBatch> pairs() {
        return PairBatches.tokenize(DATA, Gpt2Tokenizer.gpt2(), true, 32);
    }

    @Test
    void theLossIsTrlsAndItsGradientIsExact() {
        var r = BradleyTerry.of(1.5, -0.5, 0, 0);
        assertThat(r.loss()).as("−log σ(2)").isCloseTo(Math.log1p(Math.exp(-2)), within(1e-15));
        var m = BradleyTerry.of(1.5, -0.5, 0.5, 0.1);
        assertThat(m.loss()).as("−log σ(2 − 0.5) + 0.1·1²").isCloseTo(Math.log1p(Math.exp(-1.5)) + 0.1, within(1e-15));
        double eps = 1e-6;
        assertThat(m.gradChosen()).isCloseTo((BradleyTerry.of(1.5 + eps, -0.5, 0.5, 0.1).loss() - BradleyTerry.of(1.5 - eps, -0.5, 0.5, 0.1).loss()) / (2 * eps), within(1e-8));
        assertThat(m.gradRejected()).isCloseTo((BradleyTerry.of(1.5, -0.5 + eps, 0.5, 0.1).loss() - BradleyTerry.of(1.5, -0.5 - eps, 0.5, 0.1).loss()) / (2 * eps), within(1e-8));
        assertThat(BradleyTerry.of(800, -800, 0, 0).loss()).as("stable far out").isZero();
    }

    @Test
    void aScoreIsReadAtTheLastRealTokenWhicheverSideIsPadded() {
        Gpt2Model m = Gpt2Model.of(RewardModel.init(TestModels.allRandom(C, 3), 4));
        int[] a = {5, 17, 5, 900, 50256}, b = {17, 2, 50256};
        double alone = RewardModel.lastTokenScores(m, TokenBatch.of(b))[0];
        for (boolean left : new boolean[]{false, true}) {
            double[] s = RewardModel.lastTokenScores(m, TokenBatch.padded(new int[][]{a, b}, left));
            assertThat(s[1]).as(left ? "left-padded" : "right-padded").isCloseTo(alone, within(1e-5));
            assertThat(s[0]).isCloseTo(m.scores(TokenBatch.of(a))[0][4], within(1e-5));
        }
    }

    /** The trainer's step moves the weights along the exact gradient of the mean Bradley–Terry loss. */
    @Test
    void theTrainingGradientMatchesFiniteDifferencesOfTheMeanLoss() {
        Gpt2Model m = Gpt2Model.of(RewardModel.init(TestModels.allRandom(C, 3), 4), DataType.DOUBLE, false);
        var batch = PairBatches.rows(pairs(), new int[]{0, 1, 2}, 32);
        java.util.function.DoubleSupplier loss = () -> {
            double[] r = RewardModel.lastTokenScores(m, batch.batch());
            double l = 0;
            for (int i = 0; i < 3; i++) l += BradleyTerry.of(r[i], r[3 + i], 0, 0.05).loss() / 3;
            return l;
        };
        double[] r = RewardModel.lastTokenScores(m, batch.batch());
        double[][] w = new double[6][batch.batch().length()];
        for (int i = 0; i < 3; i++) {
            var res = BradleyTerry.of(r[i], r[3 + i], 0, 0.05);
            w[i][RewardModel.lastReal(batch.batch(), i)] = res.gradChosen() / 3;
            w[3 + i][RewardModel.lastReal(batch.batch(), 3 + i)] = res.gradRejected() / 3;
        }
        var g = m.gradients(batch.batch(), Loss.scores(w)).byParameter();
        String[] names = {"score.weight", "wte.weight", "h.0.mlp.c_fc.weight", "ln_f.bias"};
        long[][] at = {{0, 2}, {464, 1}, {3, 7}, {5}};
        for (int i = 0; i < names.length; i++) {
            double numeric = FiniteDifferences.central(m.parameters().get(names[i]), at[i], 1e-5, loss);
            assertThat(g.get(names[i]).getDouble(at[i])).as(names[i]).isCloseTo(numeric, within(1e-8 + 1e-5 * Math.abs(numeric)));
        }
    }

    @Test
    void trainingRanksTheTrainingPairsAndASeededRunIsReproducible() {
        var s = RewardTrainer.Settings.DEFAULTS.withBatch(3).withSteps(25).withLr(3e-3).withSeed(1);
        Gpt2Model a = Gpt2Model.of(RewardModel.init(TestModels.allRandom(C, 3), 4)), b = Gpt2Model.of(RewardModel.init(TestModels.allRandom(C, 3), 4));
        var rows = RunLoop.run(new RewardTrainer(a, pairs(), s), RunLoop.Options.inMemory("reward", 25)).rows();
        RunLoop.run(new RewardTrainer(b, pairs(), s), RunLoop.Options.inMemory("reward", 25));
        assertThat(((Number) rows.get(0).get("loss")).doubleValue()).isCloseTo(Math.log(2), within(0.05));
        assertThat(((Number) rows.get(24).get("loss")).doubleValue()).isLessThan(((Number) rows.get(0).get("loss")).doubleValue());
        assertThat(RewardTrainer.accuracy(a, pairs(), 2)).isEqualTo(1.0);
        assertThat(a.parameter("score.weight")).containsExactly(b.parameter("score.weight"));
        assertThat((Double) rows.get(24).get("learning_rate")).as("linear decay").isCloseTo(3e-3 / 25, within(1e-15));
    }

    @Test
    void normalisationGivesMeanZeroAndUnitDeviationAndIsSavedWithTheModel() {
        double[] s = {1, 2, 3, 6};
        var n = RewardModel.Normalization.fit(s);
        double mean = 0, var = 0;
        for (double v : s) mean += n.apply(v) / s.length;
        for (double v : s) var += (n.apply(v) - mean) * (n.apply(v) - mean) / s.length;
        assertThat(mean).isCloseTo(0, within(1e-12));
        assertThat(var).isCloseTo(1, within(1e-12));
        var w = RewardModel.init(TestModels.allRandom(C, 3), 4);
        RewardModel.save(w, n, dir.resolve("rm"));
        assertThat(RewardModel.normalization(dir.resolve("rm"))).as("folded into the weights: nothing left to apply").isEqualTo(RewardModel.Normalization.IDENTITY);
        assertThat(RewardModel.normalization(dir)).as("none stored: the identity").isEqualTo(RewardModel.Normalization.IDENTITY);
        var saved = RewardModel.load(dir.resolve("rm"));
        var batch = anchor.gpt2.TokenBatch.bucketed(new int[][]{{5, 9, 2, 7}, {3, 1}}, false, C.nPositions());
        double[] raw = RewardModel.lastTokenScores(anchor.gpt2.Gpt2Model.of(w), batch), folded = RewardModel.lastTokenScores(anchor.gpt2.Gpt2Model.of(saved), batch);
        for (int b = 0; b < raw.length; b++) {
            assertThat(folded[b]).as("row %d: the saved model's own score is gain·score + bias", b).isCloseTo(n.apply(raw[b]), within(1e-5));
        }
    }
}
