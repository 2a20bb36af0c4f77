package dev.quire.retrieval.kernels;

import dev.quire.index.PageCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on 256-bit vectors (8 floats, 4 longs: AVX2, or AVX-512 turned down), over the same
 * stored layouts as {@link Panama512MaxSim}: each 16-token block of the half copy is read as two
 * vectors per dimension, each 8-token block of binary codes as two vectors per word, and the lane
 * scratch keeps the 512-bit kernels' shapes (16 lanes per query token), read in two halves. Loaded
 * only by {@link MaxSimKernelProvider}, where {@code jdk.incubator.vector} is present.
 *
 * <p>Not thread-safe: it owns all scratch space, so scoring allocates nothing. Kernels are small
 * static methods, as in {@link Panama512MaxSim}, and keep at most 8 accumulators (AVX2 has 16
 * vector registers).
 */
final class Panama256MaxSim implements MaxSimKernels {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_256;
  private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  /** Lanes of a 16-token block (two vectors of {@link #V}). */
  private static final int LANES = 16;
  /** Floats or ints per vector. */
  private static final int V = 8;
  /** Tokens per block of codes (two vectors of 4 longs). */
  private static final int CODE_LANES = 8;
  private static final int CODE_V = 4;
  private static final int CODE_TILE_BLOCKS = 16;
  private static final int CODE_TILE_PAIRS = 4;
  private static final int GROUP = PreparedQuery.TOKEN_GROUP;
  private static final int TABLE = PreparedQuery.TABLE_SIZE;
  private static final int TILE_BLOCKS = 4;
  private static final int HALF_BLOCK_VALUE_BYTES = PageCodec.HALF_BLOCK * Short.BYTES;
  private static final int CODE_BLOCK_WORD_BYTES = PageCodec.BINARY_BLOCK * Long.BYTES;
  /** Bytes of the second half (tokens 4..7) of a block's word. */
  private static final int CODE_HALF_BYTES = CODE_V * Long.BYTES;
  /**
   * Four tokens' words read as 8 ints hold token t's low 32 bits in lane 2t and its high 32 bits in
   * lane 2t+1: these shuffles put the low halves first, or the high halves first.
   */
  private static final VectorShuffle<Integer> LOW_FIRST = VectorShuffle.fromValues(INTS, 0, 2, 4, 6, 1, 3, 5, 7);
  private static final VectorShuffle<Integer> HIGH_FIRST = VectorShuffle.fromValues(INTS, 1, 3, 5, 7, 0, 2, 4, 6);
  private static final VectorMask<Integer> UPPER =
      VectorMask.fromValues(INTS, false, false, false, false, true, true, true, true);

  private final float[] tile;
  private float[] laneMaxima;
  private long[] laneMinima;
  private final int[] indexes;

  /**
   * @param maxDim the largest dimension these kernels will see (sizes their scratch)
   */
  Panama256MaxSim(int maxDim) {
    this.tile = new float[TILE_BLOCKS * maxDim * LANES];
    this.laneMaxima = new float[GROUP * LANES];
    this.laneMinima = new long[GROUP * CODE_LANES];
    this.indexes = new int[CODE_TILE_PAIRS * PageCodec.words(maxDim) * 8 * 2 * LANES];
  }

  @Override
  public float halfPrecision(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    int dim = q.dim();
    int queryTokens = PageCodec.roundUp(q.tokens(), 4);
    if (laneMaxima.length < q.paddedTokens() * LANES) {
      laneMaxima = new float[q.paddedTokens() * LANES];
    }
    float[] laneMaxima = this.laneMaxima;
    Arrays.fill(laneMaxima, 0, queryTokens * LANES, Float.NEGATIVE_INFINITY);
    float[] query = q.interleaved;
    int blocks = (pageTokens + PageCodec.HALF_BLOCK - 1) / PageCodec.HALF_BLOCK;
    long blockBytes = (long) dim * HALF_BLOCK_VALUE_BYTES;
    int blockFloats = dim * LANES;
    // Page tile outermost: each tile is widened once and then reused by every query token.
    for (int block = 0; block < blocks; block += TILE_BLOCKS) {
      int count = Math.min(TILE_BLOCKS, blocks - block);
      widen(segment, offset + block * blockBytes, count * blockFloats, tile);
      for (int i = 0; i < queryTokens; i += 4) {
        for (int b = 0; b < count; b++) {
          dot4x1(query, i * dim, dim, tile, b * blockFloats, laneMaxima, i * LANES);
        }
      }
    }
    return sumOfLaneMaxima(laneMaxima, q.tokens());
  }

  /** Converts {@code count} binary16 values at {@code offset} into {@code tile} (see {@link Panama512MaxSim}). */
  private static void widen(MemorySegment half, long offset, int count, float[] tile) {
    for (int i = 0; i < count; i++) {
      tile[i] = Float.float16ToFloat(half.get(PageCodec.HALF_VALUE, offset + (long) i * Short.BYTES));
    }
  }

  /**
   * Four query tokens against the block at {@code tile[page]}, both 8-token halves: per dimension,
   * 2 loads and 4 broadcasts feed 8 FMAs into 8 accumulators. Folds the lane-wise maxima into
   * {@code maxima[max ..]} (16 lanes per token).
   */
  private static void dot4x1(float[] query, int from, int dim, float[] tile, int page, float[] maxima, int max) {
    FloatVector a0 = FloatVector.zero(FLOATS), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
    for (int d = 0; d < dim; d++) {
      int p = page + d * LANES;
      int q = from + d * 4;
      FloatVector lo = FloatVector.fromArray(FLOATS, tile, p);
      FloatVector hi = FloatVector.fromArray(FLOATS, tile, p + V);
      FloatVector q0 = FloatVector.broadcast(FLOATS, query[q]);
      a0 = lo.fma(q0, a0);
      b0 = hi.fma(q0, b0);
      FloatVector q1 = FloatVector.broadcast(FLOATS, query[q + 1]);
      a1 = lo.fma(q1, a1);
      b1 = hi.fma(q1, b1);
      FloatVector q2 = FloatVector.broadcast(FLOATS, query[q + 2]);
      a2 = lo.fma(q2, a2);
      b2 = hi.fma(q2, b2);
      FloatVector q3 = FloatVector.broadcast(FLOATS, query[q + 3]);
      a3 = lo.fma(q3, a3);
      b3 = hi.fma(q3, b3);
    }
    fold(maxima, max, a0, b0);
    fold(maxima, max + LANES, a1, b1);
    fold(maxima, max + 2 * LANES, a2, b2);
    fold(maxima, max + 3 * LANES, a3, b3);
  }

  private static void fold(float[] maxima, int at, FloatVector lo, FloatVector hi) {
    FloatVector.fromArray(FLOATS, maxima, at).max(lo).intoArray(maxima, at);
    FloatVector.fromArray(FLOATS, maxima, at + V).max(hi).intoArray(maxima, at + V);
  }

  private static float sumOfLaneMaxima(float[] laneMaxima, int tokens) {
    float score = 0f;
    for (int i = 0; i < tokens; i++) {
      FloatVector lo = FloatVector.fromArray(FLOATS, laneMaxima, i * LANES);
      FloatVector hi = FloatVector.fromArray(FLOATS, laneMaxima, i * LANES + V);
      score += lo.max(hi).reduceLanes(VectorOperators.MAX);
    }
    return score;
  }

  @Override
  public float asymmetric(PreparedQuery q, MemorySegment segment, long offset, int pageTokens) {
    int queryTokens = PageCodec.roundUp(q.tokens(), 4);
    if (laneMaxima.length < q.paddedTokens() * LANES) {
      laneMaxima = new float[q.paddedTokens() * LANES];
    }
    float[] laneMaxima = this.laneMaxima;
    Arrays.fill(laneMaxima, 0, queryTokens * LANES, Float.NEGATIVE_INFINITY);
    int words = q.words();
    int blocks = (pageTokens + PageCodec.BINARY_BLOCK - 1) / PageCodec.BINARY_BLOCK;
    int pairs = (blocks + 1) / 2;
    int steps = words * 8;
    int groupTables = steps * GROUP * 2 * TABLE;
    for (int pair = 0; pair < pairs; pair += CODE_TILE_PAIRS) {
      int tilePairs = Math.min(CODE_TILE_PAIRS, pairs - pair);
      nibbleIndexes(segment, offset, 2 * pair, tilePairs, blocks, words, indexes);
      for (int i = 0; i < queryTokens; i += 4) {
        int base = (i / GROUP) * groupTables + (i % GROUP) * 2 * TABLE;
        asymmetricFour(q.tables, base, steps, indexes, 0, tilePairs, laneMaxima, i * LANES);
        asymmetricFour(q.tables, base, steps, indexes, V, tilePairs, laneMaxima, i * LANES + V);
      }
    }
    return sumOfLaneMaxima(laneMaxima, q.tokens());
  }

  /**
   * {@link Panama512MaxSim}'s nibble indexes in the same layout (per pair of blocks, word and
   * nibble: 16 low-half lanes, then 16 high-half lanes, the first block's tokens first), built 8
   * lanes at a time.
   */
  private static void nibbleIndexes(
      MemorySegment binary, long offset, int first, int pairs, int blocks, int words, int[] indexes) {
    long blockBytes = (long) words * CODE_BLOCK_WORD_BYTES;
    int at = 0;
    for (int p = 0; p < pairs; p++) {
      // An odd last block pairs with itself: repeated tokens cannot change a maximum.
      long one = offset + (first + 2L * p) * blockBytes;
      long other = offset + Math.min(first + 2L * p + 1, blocks - 1) * blockBytes;
      for (int w = 0; w < words; w++, at += 8 * 2 * LANES) {
        long word = (long) w * CODE_BLOCK_WORD_BYTES;
        splitBlock(binary, one + word, indexes, at);
        splitBlock(binary, other + word, indexes, at + V);
      }
    }
  }

  /**
   * The 8 tokens' word at {@code at} split into low and high 32-bit halves, shifted by each nibble:
   * nibble {@code k}'s low halves at {@code indexes[to + 32k]}, high halves 16 further.
   */
  private static void splitBlock(MemorySegment binary, long at, int[] indexes, int to) {
    IntVector x = LongVector.fromMemorySegment(LONGS, binary, at, ORDER).reinterpretAsInts();
    IntVector y = LongVector.fromMemorySegment(LONGS, binary, at + CODE_HALF_BYTES, ORDER).reinterpretAsInts();
    IntVector yHighFirst = y.rearrange(HIGH_FIRST);
    IntVector low = x.rearrange(LOW_FIRST).blend(yHighFirst, UPPER);
    IntVector high = x.rearrange(HIGH_FIRST).blend(y.rearrange(LOW_FIRST), UPPER);
    for (int k = 0; k < 8; k++, to += 2 * LANES) {
      low.lanewise(VectorOperators.LSHR, 4 * k).intoArray(indexes, to);
      high.lanewise(VectorOperators.LSHR, 4 * k).intoArray(indexes, to + LANES);
    }
  }

  /**
   * Four query tokens against one 8-lane half ({@code lane} 0 or 8) of a tile of {@code pairs} pairs
   * of blocks: per step, each of the two index vectors selects from a token's 16-entry tables as
   * two 8-entry permutes and a blend on index bit 3. Folds into {@code laneMaxima[at ..]}.
   */
  private static void asymmetricFour(
      int[] tables, int base, int steps, int[] indexes, int lane, int pairs, float[] laneMaxima, int at) {
    FloatVector m0 = FloatVector.fromArray(FLOATS, laneMaxima, at);
    FloatVector m1 = FloatVector.fromArray(FLOATS, laneMaxima, at + LANES);
    FloatVector m2 = FloatVector.fromArray(FLOATS, laneMaxima, at + 2 * LANES);
    FloatVector m3 = FloatVector.fromArray(FLOATS, laneMaxima, at + 3 * LANES);
    int index = lane;
    for (int p = 0; p < pairs; p++) {
      FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
      for (int step = 0, table = base; step < steps; step++, table += GROUP * 2 * TABLE, index += 2 * LANES) {
        IntVector low = IntVector.fromArray(INTS, indexes, index);
        IntVector high = IntVector.fromArray(INTS, indexes, index + LANES);
        VectorMask<Integer> lowUpper = low.lanewise(VectorOperators.AND, 8).compare(VectorOperators.NE, 0);
        VectorMask<Integer> highUpper = high.lanewise(VectorOperators.AND, 8).compare(VectorOperators.NE, 0);
        a0 = a0.add(lookup(low, lowUpper, tables, table).add(lookup(high, highUpper, tables, table + TABLE)));
        a1 = a1.add(lookup(low, lowUpper, tables, table + 2 * TABLE)
            .add(lookup(high, highUpper, tables, table + 3 * TABLE)));
        a2 = a2.add(lookup(low, lowUpper, tables, table + 4 * TABLE)
            .add(lookup(high, highUpper, tables, table + 5 * TABLE)));
        a3 = a3.add(lookup(low, lowUpper, tables, table + 6 * TABLE)
            .add(lookup(high, highUpper, tables, table + 7 * TABLE)));
      }
      m0 = m0.max(a0);
      m1 = m1.max(a1);
      m2 = m2.max(a2);
      m3 = m3.max(a3);
    }
    m0.intoArray(laneMaxima, at);
    m1.intoArray(laneMaxima, at + LANES);
    m2.intoArray(laneMaxima, at + 2 * LANES);
    m3.intoArray(laneMaxima, at + 3 * LANES);
  }

  /** Entries {@code index & 15} of the 16-entry table at {@code tables[at]}: {@code selectFrom} wraps to 8. */
  private static FloatVector lookup(IntVector index, VectorMask<Integer> upper, int[] tables, int at) {
    IntVector lower = index.selectFrom(IntVector.fromArray(INTS, tables, at));
    return lower.blend(index.selectFrom(IntVector.fromArray(INTS, tables, at + V)), upper).reinterpretAsFloats();
  }

  @Override
  public void minimumDistances(PreparedQuery q, MemorySegment binary, long offset, int pageTokens, int[] minima) {
    int words = q.words();
    int blocks = (pageTokens + PageCodec.BINARY_BLOCK - 1) / PageCodec.BINARY_BLOCK;
    int queryTokens = PageCodec.roundUp(q.tokens(), 4);
    if (laneMinima.length < q.paddedTokens() * CODE_LANES) {
      laneMinima = new long[q.paddedTokens() * CODE_LANES];
    }
    long[] laneMinima = this.laneMinima;
    Arrays.fill(laneMinima, 0, queryTokens * CODE_LANES, Long.MAX_VALUE);
    for (int block = 0; block < blocks; block += CODE_TILE_BLOCKS) {
      int end = Math.min(blocks, block + CODE_TILE_BLOCKS);
      // Each half of a block (tokens 0..3, 4..7) on its own: 4 minima and 4 sums in registers.
      for (int half = 0; half < CODE_LANES; half += CODE_V) {
        long at = offset + half * Long.BYTES;
        if (words == 2) {
          for (int i = 0; i < queryTokens; i += 4) {
            hammingFourTwoWords(q.codes, i * 2, binary, at, block, end, laneMinima, i * CODE_LANES + half);
          }
        } else {
          for (int i = 0; i < queryTokens; i += 4) {
            hammingFour(q.groupedCodes, (i / GROUP) * GROUP * words + i % GROUP, words, binary, at, block,
                end, laneMinima, i * CODE_LANES + half);
          }
        }
      }
    }
    // A plain loop: AVX2 has no 64-bit lane minimum to reduce with, and a reduction C2 does not
    // intrinsify boxes its vector (64 bytes per query token and page).
    for (int i = 0; i < q.tokens(); i++) {
      long minimum = Long.MAX_VALUE;
      for (int lane = i * CODE_LANES; lane < (i + 1) * CODE_LANES; lane++) {
        minimum = Math.min(minimum, laneMinima[lane]);
      }
      minima[i] = (int) minimum;
    }
  }

  /**
   * Four query tokens against one half (4 tokens, at {@code offset} within each block) of blocks
   * {@code [from, to)}; lane-wise minima in {@code laneMinima[at ..]}, 8 apart per token.
   */
  private static void hammingFour(long[] codes, int query, int words, MemorySegment binary, long offset,
      int from, int to, long[] laneMinima, int at) {
    LongVector m0 = LongVector.fromArray(LONGS, laneMinima, at);
    LongVector m1 = LongVector.fromArray(LONGS, laneMinima, at + CODE_LANES);
    LongVector m2 = LongVector.fromArray(LONGS, laneMinima, at + 2 * CODE_LANES);
    LongVector m3 = LongVector.fromArray(LONGS, laneMinima, at + 3 * CODE_LANES);
    long blockBytes = (long) words * CODE_BLOCK_WORD_BYTES;
    for (int b = from; b < to; b++) {
      LongVector d0 = LongVector.zero(LONGS), d1 = d0, d2 = d0, d3 = d0;
      for (int w = 0, word = query; w < words; w++, word += GROUP) {
        LongVector page = LongVector.fromMemorySegment(
            LONGS, binary, offset + b * blockBytes + (long) w * CODE_BLOCK_WORD_BYTES, ORDER);
        d0 = d0.add(distance(page, codes[word]));
        d1 = d1.add(distance(page, codes[word + 1]));
        d2 = d2.add(distance(page, codes[word + 2]));
        d3 = d3.add(distance(page, codes[word + 3]));
      }
      m0 = m0.min(d0);
      m1 = m1.min(d1);
      m2 = m2.min(d2);
      m3 = m3.min(d3);
    }
    m0.intoArray(laneMinima, at);
    m1.intoArray(laneMinima, at + CODE_LANES);
    m2.intoArray(laneMinima, at + 2 * CODE_LANES);
    m3.intoArray(laneMinima, at + 3 * CODE_LANES);
  }

  /** {@link #hammingFour} for 128-bit codes, the eight broadcast query words in registers. */
  private static void hammingFourTwoWords(long[] codes, int query, MemorySegment binary, long offset,
      int from, int to, long[] laneMinima, int at) {
    LongVector q00 = LongVector.broadcast(LONGS, codes[query]);
    LongVector q01 = LongVector.broadcast(LONGS, codes[query + 1]);
    LongVector q10 = LongVector.broadcast(LONGS, codes[query + 2]);
    LongVector q11 = LongVector.broadcast(LONGS, codes[query + 3]);
    LongVector q20 = LongVector.broadcast(LONGS, codes[query + 4]);
    LongVector q21 = LongVector.broadcast(LONGS, codes[query + 5]);
    LongVector q30 = LongVector.broadcast(LONGS, codes[query + 6]);
    LongVector q31 = LongVector.broadcast(LONGS, codes[query + 7]);
    LongVector m0 = LongVector.fromArray(LONGS, laneMinima, at);
    LongVector m1 = LongVector.fromArray(LONGS, laneMinima, at + CODE_LANES);
    LongVector m2 = LongVector.fromArray(LONGS, laneMinima, at + 2 * CODE_LANES);
    LongVector m3 = LongVector.fromArray(LONGS, laneMinima, at + 3 * CODE_LANES);
    for (int b = from; b < to; b++) {
      long blockAt = offset + b * 2L * CODE_BLOCK_WORD_BYTES;
      LongVector p0 = LongVector.fromMemorySegment(LONGS, binary, blockAt, ORDER);
      LongVector p1 = LongVector.fromMemorySegment(LONGS, binary, blockAt + CODE_BLOCK_WORD_BYTES, ORDER);
      m0 = m0.min(distance(p0, q00).add(distance(p1, q01)));
      m1 = m1.min(distance(p0, q10).add(distance(p1, q11)));
      m2 = m2.min(distance(p0, q20).add(distance(p1, q21)));
      m3 = m3.min(distance(p0, q30).add(distance(p1, q31)));
    }
    m0.intoArray(laneMinima, at);
    m1.intoArray(laneMinima, at + CODE_LANES);
    m2.intoArray(laneMinima, at + 2 * CODE_LANES);
    m3.intoArray(laneMinima, at + 3 * CODE_LANES);
  }

  private static LongVector distance(LongVector page, long query) {
    return page.lanewise(VectorOperators.XOR, query).lanewise(VectorOperators.BIT_COUNT);
  }

  private static LongVector distance(LongVector page, LongVector query) {
    return page.lanewise(VectorOperators.XOR, query).lanewise(VectorOperators.BIT_COUNT);
  }
}
