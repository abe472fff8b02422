package anchor.dpo;

import anchor.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Cut-down experiments: one or two steps per run, a handful of pairs and evaluation prompts. */
class ExperimentCommandTest {
    @TempDir
    Path dir;

    @Test
    void referenceFreeExperimentWritesItsTableCsvAndPlot() throws Exception {
        Cli.Result r = Cli.run("experiment", "reference-free", "--json", "--steps", "1", "--batch", "2", "--prompts", "4", "--pairs", "8",
                "--betas", "0.1", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| DPO | SFT |", "| posterior probability | none |", "| likelihood function | SFT prior |");
        var csv = Files.readAllLines(dir.resolve("reference-free.csv"));
        assertThat(csv).as("one run per objective").hasSize(4);
        assertThat(csv.get(1)).startsWith("DPO,SFT,");
        assertThat(Files.size(dir.resolve("reference-free.png"))).isPositive();
        var json = r.json();
        assertThat(json.get("experiment").asText()).isEqualTo("reference-free");
        assertThat(json.get("rows").size()).as("one row per run, as in the CSV").isEqualTo(csv.size() - 1);
        assertThat(json.get("rows").get(0).get("eval").has("goldMean")).isTrue();
    }

    @Test
    void strongerReferenceBuildsBothReferencesAndTrainsAgainstEach() throws Exception {
        Cli.Result r = Cli.run("experiment", "stronger-reference", "--steps", "1", "--batch", "2", "--prompts", "4", "--pairs", "8",
                "--reference-steps", "2,2", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("compatible reference itself (KL(SFT ‖ it) =", "incompatible reference itself",
                "| DPO, SFT reference |", "| DPO, compatible reference |", "| DPO, incompatible reference |");
        assertThat(Files.readAllLines(dir.resolve("stronger-reference.csv"))).hasSize(1 + 2 + 3);
        for (String ref : new String[]{"compatible", "incompatible"}) {
            assertThat(dir.resolve("references/" + ref + "/checkpoint/model/model.safetensors")).exists();
        }
    }

    @Test
    void iterativeRunsOneRoundTwiceTheStepsAndTwoRounds() throws Exception {
        Cli.Result r = Cli.run("experiment", "iterative", "--steps", "1", "--batch", "2", "--prompts", "4", "--pairs", "4", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("sampling 4 new pairs from the round-1 policy");
        assertThat(r.out()).contains("| one round | SFT |", "| one round, twice the steps | SFT |", "| two rounds (new pairs from round 1) | round-1 policy |");
    }

    @Test
    void badExperimentSettingsAreNamed() {
        String[][] cases = {{"experiment", "stronger"}, {"experiment", "beta-sweep", "--betas", "0.1,x"},
                {"experiment", "stronger-reference", "--reference-steps", "5"}, {"experiment", "beta-sweep", "--pairs", "-1"},
                {"experiment", "beta-sweep", "--seeds", "0,a"}, {"experiment", "beta-sweep", "--seeds", "0.5"},
                {"experiment", "frontier", "--pairs", "5"}, {"experiment", "frontier", "--evaluations", "0"}, {"experiment", "frontier", "--dpo-betas", "1,y"},
                {"experiment", "ppo-options", "--betas", "0.1"}};
        String[] expected = {"unknown experiment 'stronger'", "not a comma-separated list of numbers", "--reference-steps takes two numbers", "--pairs must be >= 0",
                "not a comma-separated list of numbers", "--seeds must be whole numbers", "frontier: --pairs must be 0", "--evaluations must be between 1 and",
                "not a comma-separated list of numbers: '1,y'", "experiment ppo-options does not take --betas"};
        for (int i = 0; i < cases.length; i++) {
            Cli.Result r = Cli.run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(r.err()).contains(expected[i]).doesNotContain("\tat ");
        }
    }

    @Test
    void everyOptionAndValueIsCheckedBeforeTheFirstArm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        String[][] cases = {
                {"experiment", "no-kl", "--samples", "3"}, {"experiment", "frontier", "--betas", "abc"},
                {"experiment", "beta-sweep", "--betas", "0.1,-1"}, {"experiment", "beta-sweep", "--betas", "NaN"},
                {"experiment", "critic-free", "--group-size", "1"}, {"experiment", "critic-free", "--group-size", "3"},
                {"experiment", "beta-sweep", "--lr", "NaN"}, {"experiment", "iterative", "--beta", "0"},
                {"experiment", "beta-sweep", "--out", file.resolve("sub").toString()}};
        String[] expected = {"experiment no-kl does not take --samples (it takes", "experiment frontier does not take --betas",
                "--betas must be finite numbers > 0, got -1.0", "--betas must be finite numbers > 0, got NaN",
                "--group-size must be >= 2", "--batch (16) must be a multiple of --group-size (3)",
                "--lr must be a finite number > 0, got NaN", "--beta must be a finite number > 0", "is a file, not a directory"};
        for (int i = 0; i < cases.length; i++) {
            Cli.Result r = Cli.run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i]) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", cases[i])).contains(expected[i]).doesNotContain("\tat ")
                    .as("refused before the first arm: nothing trained").doesNotContain(": β = ").doesNotContain("took");
        }
    }
}
