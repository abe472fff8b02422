package anchor.bench;

import anchor.gpt2.Gpt2Config;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

/**
 * Runs {@link Gpt2Benchmarks} and {@link WorldBenchmarks} and prints tokens/s and GFLOP/s beside the sgemm rate measured in the same run.
 * FLOPs per token of a forward: 2·(parameters − wpe) + 4·n_layer·T·C (attention scores and values); a training step
 * is counted as 3× its forward.
 */
public final class BenchMain {
    /** The options in jvm.options at the repository root (the benchmarks run from there), as ./anchor reads them. */
    static String[] jvmOptions() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("jvm.options")).stream()
                .filter(l -> !l.startsWith("#")).flatMap(l -> java.util.Arrays.stream(l.trim().split("\\s+"))).filter(o -> !o.isEmpty())
                .toArray(String[]::new);
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String only = args.length > 1 ? args[1] : "";   // e.g. "generate" runs only the generation benchmarks
        var options = new OptionsBuilder()
                .include("anchor\\.bench\\.(Gpt2|World)Benchmarks\\." + (only.isEmpty() ? ".*" : only))
                .forks(1).warmupIterations(5).measurementIterations(iterations)      // 10 s of warm-up: the JIT needs ~100 small forwards to settle
                .warmupTime(TimeValue.seconds(2)).measurementTime(TimeValue.seconds(2))
                .jvmArgs(jvmOptions());                                               // as ./anchor runs
        for (int i = 2; i < args.length; i++) {                  // name=value pins a @Param, e.g. model=gpt2 path=cache
            String[] kv = args[i].split("=", 2);
            options.param(kv[0], kv[1]);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Gpt2Config c = Gpt2Config.preset("gpt2");
        double sgemmGflops = Double.NaN;
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith("sgemm768x768x3072")) {
                sgemmGflops = 2.0 * 768 * 768 * 3072 / (r.getPrimaryResult().getScore() * 1e-3) / 1e9;
            }
        }
        System.out.printf("%n%-34s %12s %12s %12s%n", "benchmark", "ms/op", "tokens/s", "GFLOP/s");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            double ms = r.getPrimaryResult().getScore();
            int B, T;
            double factor = 1;
            if (name.equals("forwardLogProbs")) {
                String[] bt = r.getParams().getParam("shape").split("x");
                B = Integer.parseInt(bt[0]);
                T = Integer.parseInt(bt[1]);
                name += " B=" + B + ",T=" + T;
            } else if (name.equals("forwardBackwardAdamW")) {
                B = 2;
                T = 128;
                factor = 3;
                name += " B=2,T=128";
            } else if (name.equals("generate")) {
                System.out.printf("%-34s %12.1f %12.1f %12s%n", name + " " + r.getParams().getParam("model") + " " + r.getParams().getParam("path"),
                        ms, 4 * Gpt2Benchmarks.GENERATED / (ms * 1e-3), "-");
                continue;
            } else if (name.startsWith("world")) {
                System.out.printf("%-34s %12.1f %12s %12s%n", name, ms, "-", "-");
                continue;
            } else {
                System.out.printf("%-34s %12.2f %12s %12.1f%n", name, ms, "-", sgemmGflops);
                continue;
            }
            double flopsPerToken = 2.0 * (c.parameterCount() - (long) c.nPositions() * c.nEmbd()) + 4.0 * c.nLayer() * T * c.nEmbd();
            double tokensPerSec = B * T / (ms * 1e-3);
            System.out.printf("%-34s %12.1f %12.1f %12.1f%n", name, ms, tokensPerSec, factor * flopsPerToken * tokensPerSec / 1e9);
        }
        System.out.printf("(sgemm through ND4J in this run: %.1f GFLOP/s; PyTorch CPU on this machine kind: forward B=4,T=128 ≈ 1.06 s,"
                + " fwd+bwd+AdamW B=2,T=128 ≈ 2.7 s)%n", sgemmGflops);
    }
}
