package anchor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arrows point one way: cli → experiments → algorithms (dpo, ppo, reward, reference, kl) → train, logprobs → gpt2,
 * tokenizer, safetensors; reward below dpo; only {@code anchor experiment} imports the studies; data runs no model. Read from the sources: every {@code anchor.PKG.Class} a file of another package names (imports,
 * qualified names and Javadoc links alike) is an edge.
 */
class ArchitectureTest {
    static final Pattern REF = Pattern.compile("\\banchor\\.([a-z0-9]+)\\.[A-Z]");

    static Map<String, Set<String>> edges() throws IOException {
        Path root = Path.of("src/main/java/anchor");
        Map<String, Set<String>> edges = new TreeMap<>();
        try (var files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(f);
                if (rel.getNameCount() < 2) continue;
                String pkg = rel.getName(0).toString();
                Matcher m = REF.matcher(Files.readString(f));
                while (m.find()) if (!m.group(1).equals(pkg)) edges.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
            }
        }
        return edges;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> edges = edges();
        List<String> cycles = new ArrayList<>();
        for (String start : edges.keySet()) {
            Set<String> seen = new TreeSet<>();
            List<String> todo = new ArrayList<>(edges.get(start));
            while (!todo.isEmpty()) {
                String p = todo.remove(todo.size() - 1);
                if (p.equals(start)) {
                    cycles.add(start);
                    break;
                }
                if (seen.add(p)) todo.addAll(edges.getOrDefault(p, Set.of()));
            }
        }
        assertThat(cycles).as("packages on a dependency cycle (edges: " + edges + ")").isEmpty();
    }

    @Test
    void algorithmsAndTheirGroundNeverSeeTheWorldTheExperimentsOrTheCli() throws IOException {
        Map<String, Set<String>> edges = edges();
        for (String low : List.of("dpo", "reward", "ppo", "reference", "kl", "exact", "train", "logprobs", "gpt2", "tokenizer", "safetensors", "checkpoint", "data")) {
            assertThat(edges.getOrDefault(low, Set.of())).as(low + " depends on").doesNotContain("world", "experiments", "cli");
        }
        assertThat(edges.getOrDefault("world", Set.of())).as("world depends on").doesNotContain("dpo", "experiments", "cli");
        assertThat(edges.getOrDefault("experiments", Set.of())).as("experiments depends on").doesNotContain("cli");
    }

    /** Every {@code anchor.PKG.Class} each file of package {@code pkg} names, by file name. */
    static Map<String, Set<String>> classesNamedIn(String pkg) throws IOException {
        Pattern cls = Pattern.compile("\\banchor\\.([a-z0-9]+\\.[A-Z][A-Za-z0-9]*)");
        Map<String, Set<String>> out = new TreeMap<>();
        try (var files = Files.list(Path.of("src/main/java/anchor", pkg))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = cls.matcher(Files.readString(f));
                Set<String> named = new TreeSet<>();
                while (m.find()) named.add(m.group(1));
                out.put(f.getFileName().toString(), named);
            }
        }
        return out;
    }

    @Test
    void theRewardModelSitsBelowDpoAndTheEverydayCommandsBelowTheStudies() throws IOException {
        assertThat(edges().getOrDefault("reward", Set.of())).as("reward depends on (Bradley–Terry is what DPO is derived from)").doesNotContain("dpo");
        classesNamedIn("cli").forEach((file, named) -> {
            if (!file.equals("ExperimentCommand.java")) {
                assertThat(named).as(file + " names a study (only anchor experiment runs them)").noneMatch(c -> c.startsWith("experiments."));
            }
        });
    }

    @Test
    void dataRunsNoModel() throws IOException {
        Set<String> models = Set.of("gpt2.LanguageModel", "gpt2.Gpt2Model", "gpt2.Generator", "gpt2.TrainingPass", "reference.ReferenceModel");
        classesNamedIn("data").forEach((file, named) -> assertThat(named).as(file + " names a model (data only shapes tokens)").doesNotContainAnyElementsOf(models));
    }

    /** The statistics kit is the one place for a mean and its standard error: it stands on nothing of the project's. */
    @Test
    void theStatisticsKitSitsBelowEverything() throws IOException {
        assertThat(edges().getOrDefault("stats", Set.of())).as("stats depends on").isEmpty();
    }

    /** What the rollouts really earn is judged around a trainer (ppo.JudgedRollouts), as the held-out evaluation is. */
    @Test
    void noTrainerHoldsAJudgeOrEvaluationPrompts() throws IOException {
        for (String f : List.of("ppo/PpoTrainer.java", "ppo/GroupTrainer.java", "dpo/DpoTrainer.java", "reward/RewardTrainer.java")) {
            String src = Files.readString(Path.of("src/main/java/anchor", f));
            assertThat(src).as(f).doesNotContain("Judge judge", "evalPrompts");
        }
    }
}
