package dev.quire.retrieval.kernels;

import dev.quire.index.PageCodec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on 512-bit vectors (16 floats, 8 longs): a 16-token block of the half copy is one
 * vector per dimension, a block of 8 binary codes one vector per word. Loaded only by {@link
 * MaxSimKernelProvider}, where {@code jdk.incubator.vector} is present.
 *
 * <p>Not thread-safe: it owns all scratch space, so scoring allocates nothing (the scratch only
 * grows when a query longer than any before arrives).
 *
 * <p>Code shape, for C2: the public methods only loop and call; every vector operation lives in a
 * small static kernel whose loop body stays within the compiler's inlining budget, because a
 * Vector API call that is not inlined boxes its vectors (allocation and a 10x slowdown).
 */
final class Panama512MaxSim implements MaxSimKernels {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_512;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_512;
  private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
  private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  private static final int LANES = 16;
  private static final int CODE_LANES = 8;
  /** Blocks of codes per tile: 16 x 8 tokens, 2 KB of 128-bit codes. */
  private static final int CODE_TILE_BLOCKS = 16;
  /** Pairs of code blocks per tile of the asymmetric kernel: 64 tokens, 8 KB of indexes at 128 bits. */
  private static final int CODE_TILE_PAIRS = 4;
  private static final int GROUP = PreparedQuery.TOKEN_GROUP;
  private static final int TABLE = PreparedQuery.TABLE_SIZE;
  /** Page blocks converted to floats at once: 4 x 512 dims x 64 bytes stays within L2. */
  private static final int TILE_BLOCKS = 4;
  private static final int HALF_BLOCK_VALUE_BYTES = PageCodec.HALF_BLOCK * Short.BYTES;
  private static final int CODE_BLOCK_WORD_BYTES = PageCodec.BINARY_BLOCK * Long.BYTES;
  /**
   * A block of 8 tokens' words read as 16 ints holds token t's low 32 bits in lane 2t and its high
   * 32 bits in lane 2t+1. These select, from two such blocks, the 16 low halves and the 16 high
   * halves (lanes 16.. address the second block).
   */
  private static final int[] LOW_HALVES = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30};
  private static final int[] HIGH_HALVES = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31};

  /** Up to {@link #TILE_BLOCKS} page blocks widened to floats, in the layout of the half copy. */
  private final float[] tile;
  /** Lane-wise running maxima of the half and asymmetric kernels, 16 per padded query token. */
  private float[] laneMaxima;
  /** Lane-wise running minima of the Hamming kernel, 8 per padded query token. */
  private long[] laneMinima;
  /** Nibble indexes of a tile of {@link #CODE_TILE_PAIRS} pairs of code blocks (asymmetric kernel). */
  private final int[] indexes;

  /**
   * @param maxDim the largest dimension these kernels will see (sizes their scratch)
   */
  Panama512MaxSim(int maxDim) {
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
    // Page tile outermost: each tile is widened once and then reused by every query token.
    int block = 0;
    for (; block + TILE_BLOCKS <= blocks; block += TILE_BLOCKS) {
      widen(segment, offset + block * blockBytes, TILE_BLOCKS * dim * LANES, tile);
      for (int i = 0; i < queryTokens; i += 4) {
        dotTile4x4(query, i * dim, dim, tile, laneMaxima, i * LANES);
      }
    }
    int rest = blocks - block;
    if (rest > 0) {
      widen(segment, offset + block * blockBytes, rest * dim * LANES, tile);
      for (int b = 0; b < rest; b++) {
        for (int i = 0; i < queryTokens; i += 4) {
          dotTile4x1(query, i * dim, dim, tile, b * dim * LANES, laneMaxima, i * LANES);
        }
      }
    }
    return sumOfLaneMaxima(laneMaxima, q.tokens());
  }

  /**
   * Converts {@code count} binary16 values at {@code offset} into {@code tile}. A plain loop: C2
   * compiles it to the hardware conversion (vcvtph2ps, 16 values per instruction), which the
   * Vector API does not expose; integer widening with the Vector API was twice as slow.
   */
  private static void widen(MemorySegment half, long offset, int count, float[] tile) {
    for (int i = 0; i < count; i++) {
      tile[i] = Float.float16ToFloat(half.get(PageCodec.HALF_VALUE, offset + (long) i * Short.BYTES));
    }
  }

  /**
   * Four query tokens (interleaved, from {@code query}) against the four blocks of the tile (block
   * {@code j} at {@code tile[j * dim * 16]}, dimension-major like the half copy): per
   * dimension, 4 loads and 4 broadcasts feed 16 FMAs, every accumulator in a register. Folds the
   * lane-wise maxima into {@code maxima[max ..]}.
   */
  private static void dotTile4x4(float[] query, int from, int dim, float[] tile, float[] maxima, int max) {
    FloatVector a00 = FloatVector.zero(FLOATS), a01 = a00, a02 = a00, a03 = a00;
    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    int stride = dim * LANES;
    for (int d = 0; d < dim; d++) {
      int p = d * LANES;
      int q = from + d * 4;
      FloatVector p0 = FloatVector.fromArray(FLOATS, tile, p);
      FloatVector p1 = FloatVector.fromArray(FLOATS, tile, p + stride);
      FloatVector p2 = FloatVector.fromArray(FLOATS, tile, p + 2 * stride);
      FloatVector p3 = FloatVector.fromArray(FLOATS, tile, p + 3 * stride);
      FloatVector q0 = FloatVector.broadcast(FLOATS, query[q]);
      a00 = p0.fma(q0, a00);
      a01 = p1.fma(q0, a01);
      a02 = p2.fma(q0, a02);
      a03 = p3.fma(q0, a03);
      FloatVector q1 = FloatVector.broadcast(FLOATS, query[q + 1]);
      a10 = p0.fma(q1, a10);
      a11 = p1.fma(q1, a11);
      a12 = p2.fma(q1, a12);
      a13 = p3.fma(q1, a13);
      FloatVector q2 = FloatVector.broadcast(FLOATS, query[q + 2]);
      a20 = p0.fma(q2, a20);
      a21 = p1.fma(q2, a21);
      a22 = p2.fma(q2, a22);
      a23 = p3.fma(q2, a23);
      FloatVector q3 = FloatVector.broadcast(FLOATS, query[q + 3]);
      a30 = p0.fma(q3, a30);
      a31 = p1.fma(q3, a31);
      a32 = p2.fma(q3, a32);
      a33 = p3.fma(q3, a33);
    }
    FloatVector.fromArray(FLOATS, maxima, max).max(a00.max(a01).max(a02.max(a03))).intoArray(maxima, max);
    FloatVector.fromArray(FLOATS, maxima, max + LANES).max(a10.max(a11).max(a12.max(a13)))
        .intoArray(maxima, max + LANES);
    FloatVector.fromArray(FLOATS, maxima, max + 2 * LANES).max(a20.max(a21).max(a22.max(a23)))
        .intoArray(maxima, max + 2 * LANES);
    FloatVector.fromArray(FLOATS, maxima, max + 3 * LANES).max(a30.max(a31).max(a32.max(a33)))
        .intoArray(maxima, max + 3 * LANES);
  }

  /** Four query tokens against the block at {@code tile[page]}, for the last, partial tile. */
  private static void dotTile4x1(float[] query, int from, int dim, float[] tile, int page, float[] maxima, int max) {
    FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
    for (int d = 0; d < dim; d++) {
      FloatVector p = FloatVector.fromArray(FLOATS, tile, page + d * LANES);
      int q = from + d * 4;
      a0 = p.fma(FloatVector.broadcast(FLOATS, query[q]), a0);
      a1 = p.fma(FloatVector.broadcast(FLOATS, query[q + 1]), a1);
      a2 = p.fma(FloatVector.broadcast(FLOATS, query[q + 2]), a2);
      a3 = p.fma(FloatVector.broadcast(FLOATS, query[q + 3]), a3);
    }
    FloatVector.fromArray(FLOATS, maxima, max).max(a0).intoArray(maxima, max);
    FloatVector.fromArray(FLOATS, maxima, max + LANES).max(a1).intoArray(maxima, max + LANES);
    FloatVector.fromArray(FLOATS, maxima, max + 2 * LANES).max(a2).intoArray(maxima, max + 2 * LANES);
    FloatVector.fromArray(FLOATS, maxima, max + 3 * LANES).max(a3).intoArray(maxima, max + 3 * LANES);
  }

  private static float sumOfLaneMaxima(float[] laneMaxima, int tokens) {
    float score = 0f;
    for (int i = 0; i < tokens; i++) {
      score += FloatVector.fromArray(FLOATS, laneMaxima, i * LANES).reduceLanes(VectorOperators.MAX);
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
    // Page tile outermost: the tile's nibble indexes are computed once and serve every query token.
    for (int pair = 0; pair < pairs; pair += CODE_TILE_PAIRS) {
      int tilePairs = Math.min(CODE_TILE_PAIRS, pairs - pair);
      nibbleIndexes(segment, offset, 2 * pair, tilePairs, blocks, words, indexes);
      // Four query tokens per pass: eight lookups per step keep the loop within C2's inlining budget.
      for (int i = 0; i < queryTokens; i += 4) {
        int base = (i / GROUP) * groupTables + (i % GROUP) * 2 * TABLE;
        asymmetricFour(q.tables, base, steps, indexes, tilePairs, laneMaxima, i * LANES);
      }
    }
    return sumOfLaneMaxima(laneMaxima, q.tokens());
  }

  /**
   * Splits every word of {@code pairs} pairs of blocks (16 tokens each) starting at block {@code
   * first} into the low and the high 32-bit halves of the 16 tokens, and stores, for each pair, word
   * {@code w} and nibble {@code k}, the halves shifted right by {@code 4k}: the lookup indexes of the
   * 4 dimensions {@code 64w + 4k..} (low) and {@code 64w + 32 + 4k..} (high), 16 lanes each.
   */
  private static void nibbleIndexes(
      MemorySegment binary, long offset, int first, int pairs, int blocks, int words, int[] indexes) {
    IntVector lowHalves = IntVector.fromArray(INTS, LOW_HALVES, 0);
    IntVector highHalves = IntVector.fromArray(INTS, HIGH_HALVES, 0);
    long blockBytes = (long) words * CODE_BLOCK_WORD_BYTES;
    int at = 0;
    for (int p = 0; p < pairs; p++) {
      // An odd last block pairs with itself: repeated tokens cannot change a maximum.
      long one = offset + (first + 2L * p) * blockBytes;
      long other = offset + Math.min(first + 2L * p + 1, blocks - 1) * blockBytes;
      for (int w = 0; w < words; w++) {
        IntVector x = LongVector.fromMemorySegment(LONGS, binary, one + (long) w * CODE_BLOCK_WORD_BYTES, ORDER)
            .reinterpretAsInts();
        IntVector y = LongVector.fromMemorySegment(LONGS, binary, other + (long) w * CODE_BLOCK_WORD_BYTES, ORDER)
            .reinterpretAsInts();
        IntVector low = lowHalves.selectFrom(x, y);
        IntVector high = highHalves.selectFrom(x, y);
        for (int k = 0; k < 8; k++, at += 2 * LANES) {
          low.lanewise(VectorOperators.LSHR, 4 * k).intoArray(indexes, at);
          high.lanewise(VectorOperators.LSHR, 4 * k).intoArray(indexes, at + LANES);
        }
      }
    }
  }

  /**
   * Four query tokens against a tile of {@code pairs} pairs of blocks: per step (word and nibble),
   * the two index vectors of {@link #nibbleIndexes} select from each token's two 16-entry tables
   * with a lane permute. Folds the lane-wise maxima into {@code laneMaxima[at ..]} (16 per token).
   */
  private static void asymmetricFour(
      int[] tables, int base, int steps, int[] indexes, int pairs, float[] laneMaxima, int at) {
    FloatVector m0 = FloatVector.fromArray(FLOATS, laneMaxima, at);
    FloatVector m1 = FloatVector.fromArray(FLOATS, laneMaxima, at + LANES);
    FloatVector m2 = FloatVector.fromArray(FLOATS, laneMaxima, at + 2 * LANES);
    FloatVector m3 = FloatVector.fromArray(FLOATS, laneMaxima, at + 3 * LANES);
    int index = 0;
    for (int p = 0; p < pairs; p++) {
      FloatVector a0 = FloatVector.zero(FLOATS), a1 = a0, a2 = a0, a3 = a0;
      for (int step = 0, table = base; step < steps; step++, table += GROUP * 2 * TABLE, index += 2 * LANES) {
        IntVector low = IntVector.fromArray(INTS, indexes, index);
        IntVector high = IntVector.fromArray(INTS, indexes, index + LANES);
        // The two lookups are added first so that each accumulator waits for one addition per step.
        a0 = a0.add(lookup(low, tables, table).add(lookup(high, tables, table + TABLE)));
        a1 = a1.add(lookup(low, tables, table + 2 * TABLE).add(lookup(high, tables, table + 3 * TABLE)));
        a2 = a2.add(lookup(low, tables, table + 4 * TABLE).add(lookup(high, tables, table + 5 * TABLE)));
        a3 = a3.add(lookup(low, tables, table + 6 * TABLE).add(lookup(high, tables, table + 7 * TABLE)));
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

  /** Entries {@code index & 15} of the 16-entry table at {@code tables[at]} (selectFrom wraps indexes). */
  private static FloatVector lookup(IntVector index, int[] tables, int at) {
    return index.selectFrom(IntVector.fromArray(INTS, tables, at)).reinterpretAsFloats();
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
    // Page tile outermost, as in the half kernel: while every query token works on a tile in L1,
    // the hardware prefetcher streams the next one in from memory.
    for (int block = 0; block < blocks; block += CODE_TILE_BLOCKS) {
      int end = Math.min(blocks, block + CODE_TILE_BLOCKS);
      if (words == 2) {
        for (int i = 0; i < queryTokens; i += 4) {
          hammingFourTwoWords(q.codes, i * 2, binary, offset, block, end, laneMinima, i * CODE_LANES);
        }
      } else {
        for (int i = 0; i < queryTokens; i += 4) {
          hammingFour(q.groupedCodes, (i / GROUP) * GROUP * words + i % GROUP, words, binary, offset, block,
              end, laneMinima, i * CODE_LANES);
        }
      }
    }
    laneMinimaToMinima(laneMinima, minima, q.tokens());
  }

  /**
   * Four query tokens against blocks {@code [from, to)}: XOR with the broadcast query word, count
   * bits, add the words, keep the lane-wise minimum in {@code laneMinima[at ..]} (8 per token).
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

  /**
   * {@link #hammingFour} for 128-bit codes: the eight broadcast query words stay in registers and
   * there is no word loop.
   */
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

  private static void laneMinimaToMinima(long[] laneMinima, int[] minima, int tokens) {
    for (int i = 0; i < tokens; i++) {
      minima[i] = (int) LongVector.fromArray(LONGS, laneMinima, i * CODE_LANES).reduceLanes(VectorOperators.MIN);
    }
  }

  private static LongVector distance(LongVector page, long query) {
    return page.lanewise(VectorOperators.XOR, query).lanewise(VectorOperators.BIT_COUNT);
  }

  private static LongVector distance(LongVector page, LongVector query) {
    return page.lanewise(VectorOperators.XOR, query).lanewise(VectorOperators.BIT_COUNT);
  }
}
