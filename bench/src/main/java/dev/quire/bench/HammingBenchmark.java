package dev.quire.bench;

import dev.quire.retrieval.kernels.ScalarMaxSim;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Binary MaxSim (sum of 1 / (1 + minimum Hamming distance)) of a 32-token query against 1,030-token
 * pages of sign codes, SIMD kernel against its scalar {@code Long.bitCount} twin on the same pages.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HammingBenchmark {

  @Benchmark
  public float quire(BinaryPages set, Cursor cursor) {
    return cursor.scorer.hamming(set.query, set.next(cursor), PageSet.PAGE_TOKENS);
  }

  @Benchmark
  @Threads(2)
  public float quireTwoThreads(BinaryPages set, Cursor cursor) {
    return cursor.scorer.hamming(set.query, set.next(cursor), PageSet.PAGE_TOKENS);
  }

  @Benchmark
  public int quireDistanceSum(BinaryPages set, Cursor cursor) {
    return cursor.scorer.hammingDistanceSum(set.query, set.next(cursor), PageSet.PAGE_TOKENS);
  }

  @Benchmark
  public float scalar(BinaryPages set, Cursor cursor) {
    return ScalarMaxSim.hamming(set.query, set.next(cursor), PageSet.PAGE_TOKENS);
  }
}
