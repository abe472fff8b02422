package anchor.gpt2;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A model's SameDiff graphs, one per batch shape, mode and heads, built over its live parameters on first use. Beyond
 * four the least recently used one is released: each holds its sessions' arrays, and a run meets only a few shapes
 * (a world PPO run builds four graphs in all).
 */
final class GraphCache {
    private static final int MAX_GRAPHS = 4;

    private final Map<List<Object>, Gpt2Graph> graphs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, Gpt2Graph> e) {
            if (size() <= MAX_GRAPHS) return false;
            e.getValue().release();
            return true;
        }
    };

    Gpt2Graph get(List<Object> key, Supplier<Gpt2Graph> build) {
        return graphs.computeIfAbsent(key, k -> build.get());
    }
}
