package dev.quire.bench;

import dev.quire.index.PageVectors;
import dev.quire.index.PageCodec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The benchmark workload: a 32-token query and pages of 1,030 tokens of random unit vectors.
 *
 * <p>A set holds many more pages than the caches (the kernels must stream from DRAM, as they do
 * from a memory-mapped store). Page {@code p} is a copy of one of {@value #DISTINCT} distinct
 * generated pages: copies at different addresses cost the same memory traffic as distinct pages,
 * and generating hundreds of megabytes of Gaussians would dominate the setup.
 */
final class PageSet {

  static final int QUERY_TOKENS = 32;
  static final int PAGE_TOKENS = 1030;
  static final int DISTINCT = 64;
  private static final long SEED = 20261122L;

  private PageSet() {}

  /** Floating-point operations of one page's MaxSim as a matrix product (multiply and add). */
  static double flopsPerPage(int dim) {
    return 2.0 * QUERY_TOKENS * PAGE_TOKENS * dim;
  }

  static float[] query(int dim) {
    return unitVectors(new SplittableRandom(SEED), QUERY_TOKENS, dim);
  }

  /** The distinct pages, row-major, {@link #PAGE_TOKENS} x dim each. */
  static float[][] distinctPages(int dim) {
    SplittableRandom random = new SplittableRandom(SEED + dim);
    float[][] pages = new float[DISTINCT][];
    for (int i = 0; i < DISTINCT; i++) {
      pages[i] = unitVectors(random, PAGE_TOKENS, dim);
    }
    return pages;
  }

  /** A scattered visiting order of {@code pages} page numbers. */
  static int[] scatteredOrder(int pages) {
    SplittableRandom random = new SplittableRandom(SEED ^ pages);
    int[] order = new int[pages];
    for (int i = 0; i < pages; i++) {
      order[i] = i;
    }
    for (int i = pages - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /**
   * Lays {@code pages} encoded pages end to end in one native segment, each starting {@code
   * misalignment} bytes past a 64-byte boundary plus its predecessors' bytes, and returns a slice
   * per page (made once, so scoring allocates nothing).
   */
  static MemorySegment[] storeContiguously(
      float[][] distinct, int dim, int pages, int misalignment, Function<PageVectors, byte[]> layout, Arena arena) {
    byte[][] encoded = new byte[distinct.length][];
    for (int i = 0; i < distinct.length; i++) {
      encoded[i] = layout.apply(PageCodec.encode(distinct[i], PAGE_TOKENS, dim));
    }
    long size = encoded[0].length;
    MemorySegment all = arena.allocate(size * pages + misalignment, 64);
    MemorySegment[] slices = new MemorySegment[pages];
    for (int p = 0; p < pages; p++) {
      slices[p] = all.asSlice(misalignment + p * size, size);
      slices[p].copyFrom(MemorySegment.ofArray(encoded[p % distinct.length]));
    }
    return slices;
  }

  static float[] unitVectors(SplittableRandom random, int tokens, int dim) {
    float[] vectors = new float[tokens * dim];
    for (int t = 0; t < tokens; t++) {
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        double g = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        vectors[t * dim + d] = (float) g;
        norm += g * g;
      }
      float scale = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < dim; d++) {
        vectors[t * dim + d] *= scale;
      }
    }
    return vectors;
  }
}
