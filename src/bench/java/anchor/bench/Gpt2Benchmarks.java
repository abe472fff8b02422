package anchor.bench;

import anchor.gpt2.Generator;
import anchor.gpt2.Gpt2Config;
import anchor.gpt2.Gpt2Init;
import anchor.gpt2.Gpt2Model;
import anchor.gpt2.Gradients;
import anchor.gpt2.Loss;
import anchor.gpt2.TokenBatch;
import anchor.train.AdamW;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * GPT-2 124M on this machine: forward log-probs at (B=1, T=8) and (B=4, T=128), forward+backward+AdamW at
 * (B=2, T=128), sampling 64 new tokens for 4 rows (with the KV cache and by recomputing, on GPT-2 124M and on the
 * world's shape), and OpenBLAS sgemm 768×768×3072 through ND4J as the machine's own yardstick.
 * {@link BenchMain} turns the times into tokens/s and GFLOP/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Gpt2Benchmarks {

    static TokenBatch randomBatch(int B, int T) {
        Random r = new Random(0);
        int[][] ids = new int[B][T];
        for (int[] row : ids) for (int t = 0; t < T; t++) row[t] = r.nextInt(Gpt2Config.GPT2_VOCAB);
        return TokenBatch.padded(ids, false);
    }

    @State(Scope.Benchmark)
    public static class Forward {
        @Param({"1x8", "4x128"})
        public String shape;
        Gpt2Model model;
        TokenBatch batch;

        @Setup(Level.Trial)
        public void setUp() {
            String[] bt = shape.split("x");
            model = Gpt2Model.of(Gpt2Init.random(Gpt2Config.preset("gpt2"), 0));
            batch = randomBatch(Integer.parseInt(bt[0]), Integer.parseInt(bt[1]));
            model.tokenLogProbs(batch);
        }
    }

    @Benchmark
    public double[][] forwardLogProbs(Forward s) {
        return s.model.tokenLogProbs(s.batch);
    }

    @State(Scope.Benchmark)
    public static class Train {
        Gpt2Model model;
        TokenBatch batch;
        double[][] weights;
        AdamW opt = AdamW.standard(1e-5);

        @Setup(Level.Trial)
        public void setUp() {
            model = Gpt2Model.of(Gpt2Init.random(Gpt2Config.preset("gpt2"), 0));
            batch = randomBatch(2, 128);
            weights = new double[2][127];
            for (double[] row : weights) java.util.Arrays.fill(row, -1.0 / 254);
            opt.step(model.parameters(), model.gradients(batch, Loss.tokens(weights)).byParameter());
        }
    }

    @Benchmark
    public double forwardBackwardAdamW(Train s) {
        Gradients g = s.model.gradients(s.batch, Loss.tokens(s.weights));
        s.opt.step(s.model.parameters(), g.byParameter());
        anchor.train.Optimizer.release(g.byParameter());                       // as the trainers do
        System.gc();                                                            // as RunLoop does after a step this long (one collection at most every 3 s)
        return g.loss();
    }

    /** Sampling 64 new tokens for B=4 rows from 8-token prompts at temperature 1 (the peer's "generate 4 64"). */
    @State(Scope.Benchmark)
    public static class Generation {
        @Param({"gpt2", "world"})
        public String model;
        @Param({"cache", "recompute"})
        public String path;
        Gpt2Model m;
        int[][] prompts;
        final Generator.Settings settings = new Generator.Settings(GENERATED, 1.0, 0, 1.0, 0, false);

        @Setup(Level.Trial)
        public void setUp() {
            m = Gpt2Model.of(Gpt2Init.random(model.equals("gpt2") ? Gpt2Config.preset("gpt2") : anchor.world.World.SFT_CONFIG, 0));
            prompts = randomBatch(4, 8).ids();
        }
    }

    static final int GENERATED = 64;

    @Benchmark
    public int[][] generate(Generation s) {
        return s.path.equals("cache") ? Generator.generate(s.m, s.prompts, s.settings) : Generator.generateRecomputing(s.m, s.prompts, s.settings);
    }

    @State(Scope.Benchmark)
    public static class Gemm {
        INDArray a = Nd4j.rand(DataType.FLOAT, 768, 768), b = Nd4j.rand(DataType.FLOAT, 768, 3072);
        INDArray c = Nd4j.create(DataType.FLOAT, new long[]{768, 3072}, 'f');
    }

    @Benchmark
    public INDArray sgemm768x768x3072(Gemm s) {
        return Nd4j.gemm(s.a, s.b, s.c, false, false, 1.0, 0.0);
    }
}
