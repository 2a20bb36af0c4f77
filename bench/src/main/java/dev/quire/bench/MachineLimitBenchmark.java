package dev.quire.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one core issues per second of each 512-bit instruction the kernels are made of, on
 * registers only: 16 independent chains, so neither memory nor latency holds them back. These are
 * the ceilings {@link BenchMain} holds the kernels' page rates against (a kernel cannot beat the
 * rate of the instructions it needs). One operation is one instruction.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class MachineLimitBenchmark {

  static final int CHAINS = 16;
  static final int ROUNDS = 256;
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;

  /** Starting values read from arrays, so the compiler cannot fold the chains away. */
  @State(Scope.Thread)
  public static class Operands {
    final float[] floats = {0.999f, 1e-3f, 0.5f};
    final long[] longs = {0x5555_5555_5555_5555L, 3L};
    final int[] permutation = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
  }

  /** Fused multiply-adds: each is 32 floating-point operations. */
  @Benchmark
  @OperationsPerInvocation(CHAINS * ROUNDS)
  public float fma(Operands operands) {
    FloatVector b = FloatVector.broadcast(FLOATS, operands.floats[0]);
    FloatVector c = FloatVector.broadcast(FLOATS, operands.floats[1]);
    FloatVector a0 = FloatVector.broadcast(FLOATS, operands.floats[2]), a1 = a0, a2 = a0, a3 = a0;
    FloatVector a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    FloatVector a12 = a0, a13 = a0, a14 = a0, a15 = a0;
    for (int i = 0; i < ROUNDS; i++) {
      a0 = a0.fma(b, c);
      a1 = a1.fma(b, c);
      a2 = a2.fma(b, c);
      a3 = a3.fma(b, c);
      a4 = a4.fma(b, c);
      a5 = a5.fma(b, c);
      a6 = a6.fma(b, c);
      a7 = a7.fma(b, c);
      a8 = a8.fma(b, c);
      a9 = a9.fma(b, c);
      a10 = a10.fma(b, c);
      a11 = a11.fma(b, c);
      a12 = a12.fma(b, c);
      a13 = a13.fma(b, c);
      a14 = a14.fma(b, c);
      a15 = a15.fma(b, c);
    }
    return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)))
        .add(a8.add(a9).add(a10.add(a11)).add(a12.add(a13).add(a14.add(a15))))
        .reduceLanes(VectorOperators.ADD);
  }

  /** Simple integer operations (additions), which run on every vector port. */
  @Benchmark
  @OperationsPerInvocation(CHAINS * ROUNDS)
  public long vectorOp(Operands operands) {
    LongVector a0 = LongVector.broadcast(LONGS, operands.longs[0]);
    LongVector a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3), a4 = a0.add(4), a5 = a0.add(5);
    LongVector a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10);
    LongVector a11 = a0.add(11), a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
    for (int i = 0; i < ROUNDS; i++) {
      // Each chain adds its neighbour's last value: nothing to fold, 16 independent additions a round.
      LongVector first = a0;
      a0 = a0.add(a1);
      a1 = a1.add(a2);
      a2 = a2.add(a3);
      a3 = a3.add(a4);
      a4 = a4.add(a5);
      a5 = a5.add(a6);
      a6 = a6.add(a7);
      a7 = a7.add(a8);
      a8 = a8.add(a9);
      a9 = a9.add(a10);
      a10 = a10.add(a11);
      a11 = a11.add(a12);
      a12 = a12.add(a13);
      a13 = a13.add(a14);
      a14 = a14.add(a15);
      a15 = a15.add(first);
    }
    return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)))
        .add(a8.add(a9).add(a10.add(a11)).add(a12.add(a13).add(a14.add(a15))))
        .reduceLanes(VectorOperators.ADD);
  }

  /** Population counts of eight 64-bit lanes (the Hamming kernel's VPOPCNTQ). */
  @Benchmark
  @OperationsPerInvocation(CHAINS * ROUNDS)
  public long popcount(Operands operands) {
    LongVector a0 = LongVector.broadcast(LONGS, operands.longs[0]);
    LongVector a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3), a4 = a0.add(4), a5 = a0.add(5);
    LongVector a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10);
    LongVector a11 = a0.add(11), a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
    for (int i = 0; i < ROUNDS; i++) {
      a0 = a0.lanewise(VectorOperators.BIT_COUNT);
      a1 = a1.lanewise(VectorOperators.BIT_COUNT);
      a2 = a2.lanewise(VectorOperators.BIT_COUNT);
      a3 = a3.lanewise(VectorOperators.BIT_COUNT);
      a4 = a4.lanewise(VectorOperators.BIT_COUNT);
      a5 = a5.lanewise(VectorOperators.BIT_COUNT);
      a6 = a6.lanewise(VectorOperators.BIT_COUNT);
      a7 = a7.lanewise(VectorOperators.BIT_COUNT);
      a8 = a8.lanewise(VectorOperators.BIT_COUNT);
      a9 = a9.lanewise(VectorOperators.BIT_COUNT);
      a10 = a10.lanewise(VectorOperators.BIT_COUNT);
      a11 = a11.lanewise(VectorOperators.BIT_COUNT);
      a12 = a12.lanewise(VectorOperators.BIT_COUNT);
      a13 = a13.lanewise(VectorOperators.BIT_COUNT);
      a14 = a14.lanewise(VectorOperators.BIT_COUNT);
      a15 = a15.lanewise(VectorOperators.BIT_COUNT);
    }
    return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)))
        .add(a8.add(a9).add(a10.add(a11)).add(a12.add(a13).add(a14.add(a15))))
        .reduceLanes(VectorOperators.ADD);
  }

  /** Lane permutes of sixteen 32-bit lanes (the asymmetric kernel's table lookup, VPERMD). */
  @Benchmark
  @OperationsPerInvocation(CHAINS * ROUNDS)
  public int permute(Operands operands) {
    IntVector index = IntVector.fromArray(INTS, operands.permutation, 0);
    IntVector a0 = IntVector.broadcast(INTS, (int) operands.longs[1]).addIndex(1);
    IntVector a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3), a4 = a0.add(4), a5 = a0.add(5);
    IntVector a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9), a10 = a0.add(10);
    IntVector a11 = a0.add(11), a12 = a0.add(12), a13 = a0.add(13), a14 = a0.add(14), a15 = a0.add(15);
    for (int i = 0; i < ROUNDS; i++) {
      a0 = index.selectFrom(a0);
      a1 = index.selectFrom(a1);
      a2 = index.selectFrom(a2);
      a3 = index.selectFrom(a3);
      a4 = index.selectFrom(a4);
      a5 = index.selectFrom(a5);
      a6 = index.selectFrom(a6);
      a7 = index.selectFrom(a7);
      a8 = index.selectFrom(a8);
      a9 = index.selectFrom(a9);
      a10 = index.selectFrom(a10);
      a11 = index.selectFrom(a11);
      a12 = index.selectFrom(a12);
      a13 = index.selectFrom(a13);
      a14 = index.selectFrom(a14);
      a15 = index.selectFrom(a15);
    }
    return a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7)))
        .add(a8.add(a9).add(a10.add(a11)).add(a12.add(a13).add(a14.add(a15))))
        .reduceLanes(VectorOperators.ADD);
  }
}
