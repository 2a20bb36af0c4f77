package dev.quire.retrieval.kernels;

import dev.quire.index.PageCodec;

/**
 * A query's token vectors in the forms the kernels read, built once per query and shared by all
 * threads (it is immutable after {@link #prepare}).
 *
 * <p>Holds a float copy, the packed sign codes (same bit order as {@link PageCodec}'s binary codes)
 * and, per token, one 16-entry lookup table per 4 dimensions for the asymmetric kernel. Tokens are
 * padded to a multiple of {@value #TOKEN_GROUP} with copies of the last token so the kernels work
 * on whole groups; the padded tokens never enter a score.
 */
public final class PreparedQuery {

  /** Query tokens the kernels process together. */
  static final int TOKEN_GROUP = 8;
  /** Entries of one lookup table: every value of a 4-bit group of page signs. */
  static final int TABLE_SIZE = 16;

  private final int tokens;
  private final int dim;
  private final int words;
  private final int paddedTokens;
  /** {@code paddedTokens * dim} floats, row-major. */
  final float[] vectors;
  /**
   * The same floats for the half-precision kernel: for each group of 4 tokens, for each dimension
   * {@code d}, the 4 tokens' values at {@code d}, so one base address serves a whole tile.
   */
  final float[] interleaved;
  /** {@code paddedTokens * words} longs, token-major. */
  final long[] codes;
  /**
   * The same codes grouped for the SIMD kernel: for each group of 8 tokens, for each word {@code
   * w}, word {@code w} of the 8 tokens in order.
   */
  final long[] groupedCodes;
  /**
   * Lookup tables of the asymmetric kernel as float bit patterns, laid out in the order the kernel
   * reads them: for each group of 8 tokens, word {@code w} and nibble {@code k < 8}, for each of the
   * 8 tokens, the table of 4-dimension group {@code 16w + k} (the low half of the word) and then of
   * group {@code 16w + 8 + k} (the high half), 16 entries each. Entry {@code n} of the table of
   * group {@code g} is {@code sum_k q[4g+k] * (bit k of n set ? +1 : -1)}, with {@code q} zero past
   * {@code dim}.
   */
  final int[] tables;

  private PreparedQuery(int tokens, int dim, float[] vectors, float[] interleaved, long[] codes,
      long[] groupedCodes, int[] tables) {
    this.tokens = tokens;
    this.dim = dim;
    this.words = PageCodec.words(dim);
    this.paddedTokens = PageCodec.roundUp(tokens, TOKEN_GROUP);
    this.vectors = vectors;
    this.interleaved = interleaved;
    this.codes = codes;
    this.groupedCodes = groupedCodes;
    this.tables = tables;
  }

  /**
   * Prepares {@code tokens} row-major query vectors of dimension {@code dim}.
   *
   * @throws IllegalArgumentException if the shape is unsupported, the array length does not match,
   *     or a value is not finite
   */
  public static PreparedQuery prepare(float[] vectors, int tokens, int dim) {
    PageCodec.checkShape(tokens, dim);
    PageCodec.checkVectors(vectors, tokens, dim, Float.MAX_VALUE);
    int padded = PageCodec.roundUp(tokens, TOKEN_GROUP);
    int words = PageCodec.words(dim);
    float[] copy = new float[padded * dim];
    float[] interleaved = new float[padded * dim];
    long[] codes = new long[padded * words];
    long[] groupedCodes = new long[padded * words];
    int[] tables = new int[padded * words * 16 * TABLE_SIZE];
    float[] wide = new float[words * 64];
    for (int i = 0; i < padded; i++) {
      int source = Math.min(i, tokens - 1) * dim;
      System.arraycopy(vectors, source, copy, i * dim, dim);
      for (int d = 0; d < dim; d++) {
        interleaved[((i / 4) * dim + d) * 4 + i % 4] = vectors[source + d];
      }
      PageCodec.signCode(vectors, source, dim, codes, i * words);
      System.arraycopy(vectors, source, wide, 0, dim);
      int group = i / TOKEN_GROUP;
      int member = i % TOKEN_GROUP;
      for (int w = 0; w < words; w++) {
        groupedCodes[(group * words + w) * TOKEN_GROUP + member] = codes[i * words + w];
        for (int k = 0; k < 8; k++) {
          int at = (((group * words + w) * 8 + k) * TOKEN_GROUP + member) * 2 * TABLE_SIZE;
          fillTable(wide, 16 * w + k, tables, at);
          fillTable(wide, 16 * w + 8 + k, tables, at + TABLE_SIZE);
        }
      }
    }
    return new PreparedQuery(tokens, dim, copy, interleaved, codes, groupedCodes, tables);
  }

  private static void fillTable(float[] query, int group, int[] tables, int at) {
    for (int n = 0; n < TABLE_SIZE; n++) {
      float sum = 0f;
      for (int k = 0; k < 4; k++) {
        float q = query[4 * group + k];
        sum += (n & (1 << k)) != 0 ? q : -q;
      }
      tables[at + n] = Float.floatToRawIntBits(sum);
    }
  }

  /** The real token count. */
  public int tokens() {
    return tokens;
  }

  public int dim() {
    return dim;
  }

  int words() {
    return words;
  }

  int paddedTokens() {
    return paddedTokens;
  }
}
