package dev.quire.bench;

import dev.quire.index.PageCodec;
import dev.quire.retrieval.kernels.MaxSimKernelProvider;
import dev.quire.retrieval.kernels.MaxSimScorer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three kernels on each implementation of {@code MaxSimKernels} side by side in one run:
 * 512-bit and 256-bit Panama vectors and the scalar twins, over the page sets of {@link
 * HalfPrecisionBenchmark} and {@link HammingBenchmark}. {@link BenchMain} prints each width's ratio
 * to scalar. JMH forks a JVM per parameter set, so each fork's C2 profile sees one implementation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelWidthBenchmark {

  /** Per thread: a scorer on the kernels of the {@code kernels} parameter. */
  @State(Scope.Thread)
  public static class Width {

    /** {@code 512}, {@code 256} or {@code scalar}. */
    @Param({"512", "256", "scalar"})
    public String kernels;

    MaxSimScorer scorer;

    @org.openjdk.jmh.annotations.Setup
    public void setUp() {
      scorer = new MaxSimScorer(PageCodec.MAX_DIM,
          MaxSimKernelProvider.of(kernels.equals("scalar") ? 0 : Integer.parseInt(kernels)));
    }
  }

  @Benchmark
  public float halfPrecision(HalfPrecisionBenchmark.HalfPages set, Cursor cursor, Width width) {
    return width.scorer.halfPrecision(set.query, set.pages[cursor.nextPage(set.order)], PageSet.PAGE_TOKENS);
  }

  @Benchmark
  public float hamming(BinaryPages set, Cursor cursor, Width width) {
    return width.scorer.hamming(set.query, set.next(cursor), PageSet.PAGE_TOKENS);
  }

  @Benchmark
  public float asymmetric(BinaryPages set, Cursor cursor, Width width) {
    return width.scorer.asymmetric(set.query, set.next(cursor), PageSet.PAGE_TOKENS);
  }
}
