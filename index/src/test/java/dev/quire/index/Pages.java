package dev.quire.index;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Test data: random unit vectors, and stored bytes placed on or off the heap at any alignment. */
public final class Pages {

  private Pages() {}

  /** {@code tokens} row-major unit vectors drawn from a Gaussian, so signs are balanced. */
  public static float[] unitVectors(long seed, int tokens, int dim) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] vectors = new float[tokens * dim];
    for (int t = 0; t < tokens; t++) {
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double v = gaussian(random);
        vectors[t * dim + d] = (float) v;
        norm += v * v;
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < dim; d++) {
        vectors[t * dim + d] *= scale;
      }
    }
    return vectors;
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * The bytes as a heap segment ({@code misalignment < 0}) or as a native segment starting
   * {@code misalignment} bytes past an 8-byte boundary, the way LMDB hands out values.
   */
  public static MemorySegment place(byte[] bytes, int misalignment, Arena arena) {
    if (misalignment < 0) {
      return MemorySegment.ofArray(bytes);
    }
    MemorySegment block = arena.allocate(bytes.length + 8L, 8);
    MemorySegment segment = block.asSlice(misalignment, bytes.length);
    segment.copyFrom(MemorySegment.ofArray(bytes));
    return segment;
  }
}
