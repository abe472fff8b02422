package anchor.course;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The mutation table counts only the exercise's own lines, leaves crashed runs out, and writes between its markers. */
class MutationTableTest {
    static final Project PROJECT = Project.here();

    @Test
    void ownLinesAreTheSolutionsLinesOfTheExercisesMethods() {
        Assumptions.assumeTrue(Files.exists(PROJECT.solution(Exercise.find(PROJECT.table(), "6.1"))), "needs the solutions");
        Exercise gae = Exercise.find(PROJECT.table(), "6.1"), clip = Exercise.find(PROJECT.table(), "6.2");
        Set<Integer> a = MutationTable.ownLines(PROJECT, gae), b = MutationTable.ownLines(PROJECT, clip);
        assertThat(a).isNotEmpty();
        assertThat(b).isNotEmpty().doesNotContainAnyElementsOf(a);
        List<String> solution = StubSource.read(PROJECT.solution(gae)).lines().toList();
        assertThat(a.stream().map(l -> solution.get(l - 1)).anyMatch(l -> l.contains("gamma * lambda"))).as("GAE's recursion is 6.1's").isTrue();
        assertThat(b.stream().map(l -> solution.get(l - 1)).anyMatch(l -> l.contains("useClipped"))).as("the clip is 6.2's").isTrue();
    }

    @Test
    void readsKillsSurvivorsAndCrashes(@TempDir Path tmp) throws IOException {
        Path xml = tmp.resolve("mutations.xml");
        Files.writeString(xml, """
                <?xml version="1.0" encoding="UTF-8"?>
                <mutations>
                <mutation detected='true' status='KILLED'><mutatedClass>anchor.ppo.PpoMath</mutatedClass><mutatedMethod>gae</mutatedMethod><lineNumber>30</lineNumber><mutator>org.pitest.X.MathMutator</mutator><description>a</description></mutation>
                <mutation detected='true' status='TIMED_OUT'><mutatedClass>anchor.ppo.PpoMath</mutatedClass><mutatedMethod>gae</mutatedMethod><lineNumber>31</lineNumber><mutator>org.pitest.X.MathMutator</mutator><description>b</description></mutation>
                <mutation detected='false' status='SURVIVED'><mutatedClass>anchor.ppo.PpoMath</mutatedClass><mutatedMethod>gae</mutatedMethod><lineNumber>32</lineNumber><mutator>org.pitest.X.MathMutator</mutator><description>c</description></mutation>
                <mutation detected='false' status='RUN_ERROR'><mutatedClass>anchor.ppo.PpoMath</mutatedClass><mutatedMethod>gae</mutatedMethod><lineNumber>33</lineNumber><mutator>org.pitest.X.MathMutator</mutator><description>d</description></mutation>
                </mutations>
                """);
        List<MutationTable.Mutant> ms = MutationTable.read(xml);
        assertThat(ms).extracting(MutationTable.Mutant::killed).containsExactly(true, true, false, false);
        assertThat(ms).extracting(MutationTable.Mutant::crashed).containsExactly(false, false, false, true);
        assertThat(new MutationTable.Score(4, 2, 1, List.of(ms.get(2))).percent()).isEqualTo("2/3 (67 %); 1 not judged (the test JVM crashed)");
    }

    @Test
    void theWholeSuiteIsNeededOnlyWhereTheExerciseTestsLeaveMutantsAlive() {
        var all = new MutationTable.Score(3, 3, 0, List.of());
        var some = new MutationTable.Score(3, 2, 0, List.of());
        var crashed = new MutationTable.Score(3, 2, 1, List.of());
        assertThat(MutationTable.wholeCell(all, null)).isEqualTo("not needed: its own tests kill all");
        assertThat(MutationTable.wholeCell(some, null)).isEqualTo("not measured");
        assertThat(MutationTable.wholeCell(crashed, null)).isEqualTo("not measured");
        assertThat(MutationTable.wholeCell(null, null)).isEqualTo("not measured");
        assertThat(MutationTable.wholeCell(some, some)).isEqualTo("2/3 (67 %)");
    }

    @Test
    void writesBetweenItsMarkersOnly(@TempDir Path tmp) throws IOException {
        Path readme = tmp.resolve("README.md");
        Files.writeString(readme, "before\n" + MutationTable.BEGIN + "\nold\n" + MutationTable.END + "\nafter\n");
        MutationTable.writeInto(readme, "| new |\n");
        assertThat(Files.readString(readme)).isEqualTo("before\n" + MutationTable.BEGIN + "\n| new |\n" + MutationTable.END + "\nafter\n");
    }

    @Test
    void aRowWithoutReportsIsKeptFromTheReadmeWithItsSurvivorsAndGainsItsWholeSuiteCell(@TempDir Path tmp) throws IOException {
        Exercise e = Exercise.find(PROJECT.table(), "1.2"), f = Exercise.find(PROJECT.table(), "1.1");
        String previous = "| exercise | a | b | c |\n|---|---|---|---|\n"
                + "| **1.1** an old title | 23 | 21/23 (91 %) | 21/23 (91 %) |\n"
                + "| **1.2** gelu_new | 13 | 13/13 (100 %) | 13/13 (100 %) |\n\nMutants the exercise tests leave alive:\n\n"
                + "- 1.1: BpeMerge.merge line 30, changed conditional boundary (ConditionalsBoundaryMutator)\n";
        Project empty = new Project(tmp);   // no target/pit: nothing re-measured
        String table = MutationTable.table(empty, List.of(f, e), previous);
        assertThat(table).contains("| **1.1** " + f.title() + " | 23 | 21/23 (91 %) | 21/23 (91 %) | not measured |")
                .contains("| **1.2** " + e.title() + " | 13 | 13/13 (100 %) | 13/13 (100 %) | not needed: its own tests kill all |")
                .contains("- 1.1: BpeMerge.merge line 30, changed conditional boundary (ConditionalsBoundaryMutator)\n");
        assertThat(MutationTable.table(empty, List.of(e), "")).contains("| **1.2** " + e.title() + " | not measured | | | |");
    }

    @Test
    void theWholeSuiteScoreIsTheExerciseKillsPlusTheSurvivorsTheWholeRunKilled() {
        var a = new MutationTable.Mutant("anchor.X", "f", 10, "MathMutator", "d", false, false);
        var b = new MutationTable.Mutant("anchor.X", "f", 10, "MathMutator", "d", false, false);   // the same mutation twice (two operators on one line)
        var c = new MutationTable.Mutant("anchor.X", "f", 12, "ConditionalsBoundaryMutator", "e", false, false);
        var exercise = new MutationTable.Score(10, 7, 0, List.of(a, b, c));
        var killedOnce = new MutationTable.Mutant("anchor.X", "f", 10, "MathMutator", "d", true, false);
        var survived = new MutationTable.Mutant("anchor.X", "f", 12, "ConditionalsBoundaryMutator", "e", false, false);
        var whole = MutationTable.combined(exercise, List.of(killedOnce, survived, b));
        assertThat(whole.killed()).as("one of the two identical mutants killed, c not").isEqualTo(8);
        assertThat(whole.survivors()).hasSize(2).contains(c);
        assertThat(MutationTable.combined(exercise, List.of()).killed()).as("a run that kills nothing adds nothing").isEqualTo(7);
    }
}
