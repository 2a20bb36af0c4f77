package dev.quire.model.bench;

import dev.quire.model.safetensors.Bfloat16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Widening bfloat16 to float32 off-heap: the Vector API kernel vs its scalar twin in the same
 * run; {@link #main} prints MB/s of bfloat16 read and the ratio per size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Bfloat16Benchmark {

  /** 64 MB of bfloat16 (memory-bound, like a checkpoint) and 256 KB (cache-resident). */
  @Param({"33554432", "131072"})
  long values;

  private Arena arena;
  private MemorySegment source;
  private MemorySegment target;

  @Setup
  public void allocate() {
    arena = Arena.ofShared();
    source = arena.allocate(2 * values, 64);
    for (long i = 0; i < values; i++) {
      source.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 2 * i, (short) (0x3F80 + (i & 0x3FF)));
    }
    target = arena.allocate(4 * values, 64);
  }

  @TearDown
  public void free() {
    arena.close();
  }

  @Benchmark
  public MemorySegment simd() {
    Bfloat16.widen(source, target, values);
    return target;
  }

  @Benchmark
  public MemorySegment scalar() {
    Bfloat16.widenScalar(source, target, values);
    return target;
  }

  public static void main(String[] args) throws RunnerException {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(Bfloat16Benchmark.class.getSimpleName()).build()).run();
    Map<String, Double> rates = new TreeMap<>();
    for (RunResult r : results) {
      long count = Long.parseLong(r.getParams().getParam("values"));
      String label = r.getParams().getBenchmark().replaceFirst(".*\\.", "");
      double megabytes = r.getPrimaryResult().getScore() * 2 * count / 1e6;
      rates.put(count + " " + label, megabytes);
      System.out.printf(Locale.ROOT, "%9d values %-7s %8.0f MB/s of bfloat16 widened%n", count, label,
          megabytes);
    }
    for (String size : new String[] {"33554432", "131072"}) {
      System.out.printf(Locale.ROOT, "%9s values simd / scalar: %.2fx%n", size,
          rates.get(size + " simd") / rates.get(size + " scalar"));
    }
  }
}
