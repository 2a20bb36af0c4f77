package dev.quire.index;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Encodes a page's token vectors into the two layouts the kernels read in place.
 *
 * <p>Both layouts are a contract with the page store: it keeps these bytes as values and the
 * kernels read them straight from the memory map, so they must not change without a format bump.
 * All multi-byte values are little-endian; no alignment is required.
 *
 * <h2>Half copy</h2>
 * IEEE 754 binary16 values ({@link Float#floatToFloat16}, round to nearest even). Tokens are padded
 * to a multiple of {@value #HALF_BLOCK} with copies of the last real token (a copy cannot change a
 * maximum). The padded tokens form blocks of 16; inside a block the values are dimension-major: for
 * each dimension {@code d}, the 16 tokens' values in token order. The value of token {@code t},
 * dimension {@code d} is the binary16 at byte offset {@code ((t / 16) * dim + d) * 32 + (t % 16) * 2}.
 * Size: {@code roundUp(tokens, 16) * dim * 2} bytes.
 *
 * <h2>Binary codes</h2>
 * One sign bit per dimension, set when the value is {@code > 0} (zero and -0 give 0). A token's bits
 * fill {@code words = ceil(dim / 64)} 64-bit words: dimension {@code j} is bit {@code j % 64} of word
 * {@code j / 64} (equivalently bit {@code j % 8} of byte {@code j / 8} of the token's little-endian
 * words); bits past {@code dim} are zero. Tokens are padded to a multiple of {@value #BINARY_BLOCK}
 * with copies of the last real token and form blocks of 8; inside a block the words are word-major:
 * word 0 of the 8 tokens in token order, then word 1 of the 8 tokens, and so on. Word {@code w} of
 * token {@code t} is the long at byte offset {@code ((t / 8) * words + w) * 64 + (t % 8) * 8}.
 * Size: {@code roundUp(tokens, 8) * words * 8} bytes. The Hamming and the asymmetric kernels both
 * read this one layout.
 */
public final class PageCodec {

  /** Tokens per block of the half copy: one 512-bit vector of floats. */
  public static final int HALF_BLOCK = 16;
  /** Tokens per block of the binary codes: one 512-bit vector of longs. */
  public static final int BINARY_BLOCK = 8;
  /** Largest supported dimension. */
  public static final int MAX_DIM = 512;
  /** Largest finite binary16 value; anything larger would be stored as infinity. */
  public static final float HALF_MAX = 65504f;

  public static final ValueLayout.OfShort HALF_VALUE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfLong CODE_WORD =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private PageCodec() {}

  /**
   * Encodes {@code tokens} row-major vectors of dimension {@code dim} into both layouts.
   *
   * @throws IllegalArgumentException if the shape is unsupported, the array length does not match,
   *     or a value is not finite or not representable in binary16
   */
  public static PageVectors encode(float[] vectors, int tokens, int dim) {
    checkShape(tokens, dim);
    checkVectors(vectors, tokens, dim, HALF_MAX);
    byte[] half = new byte[halfBytes(tokens, dim)];
    byte[] binary = new byte[binaryBytes(tokens, dim)];
    MemorySegment halfSegment = MemorySegment.ofArray(half);
    int halfTokens = roundUp(tokens, HALF_BLOCK);
    for (int t = 0; t < halfTokens; t++) {
      int source = Math.min(t, tokens - 1) * dim;
      for (int d = 0; d < dim; d++) {
        halfSegment.set(HALF_VALUE, halfOffset(t, d, dim), Float.floatToFloat16(vectors[source + d]));
      }
    }
    MemorySegment binarySegment = MemorySegment.ofArray(binary);
    int words = words(dim);
    long[] code = new long[words];
    int binaryTokens = roundUp(tokens, BINARY_BLOCK);
    for (int t = 0; t < binaryTokens; t++) {
      if (t < tokens) {
        signCode(vectors, t * dim, dim, code, 0);
      }
      for (int w = 0; w < words; w++) {
        binarySegment.set(CODE_WORD, binaryOffset(t, w, words), code[w]);
      }
    }
    return new PageVectors(tokens, dim, half, binary);
  }

  /** Bytes of the half copy of a page of {@code tokens} real tokens. */
  public static int halfBytes(int tokens, int dim) {
    checkShape(tokens, dim);
    return roundUp(tokens, HALF_BLOCK) * dim * Short.BYTES;
  }

  /** Bytes of the binary codes of a page of {@code tokens} real tokens. */
  public static int binaryBytes(int tokens, int dim) {
    checkShape(tokens, dim);
    return roundUp(tokens, BINARY_BLOCK) * words(dim) * Long.BYTES;
  }

  /** 64-bit words per token in the binary codes. */
  public static int words(int dim) {
    return (dim + 63) >>> 6;
  }

  /** Reads a half copy back as row-major floats (real tokens only); for tests and debugging. */
  public static float[] decodeHalf(MemorySegment half, int tokens, int dim) {
    checkSegment("half copy", half, halfBytes(tokens, dim), tokens, dim);
    float[] vectors = new float[tokens * dim];
    for (int t = 0; t < tokens; t++) {
      for (int d = 0; d < dim; d++) {
        vectors[t * dim + d] = Float.float16ToFloat(half.get(HALF_VALUE, halfOffset(t, d, dim)));
      }
    }
    return vectors;
  }

  /** Reads the sign codes of real tokens back as {@code tokens * words} longs, token-major. */
  public static long[] decodeBinary(MemorySegment binary, int tokens, int dim) {
    checkSegment("binary codes", binary, binaryBytes(tokens, dim), tokens, dim);
    int words = words(dim);
    long[] codes = new long[tokens * words];
    for (int t = 0; t < tokens; t++) {
      for (int w = 0; w < words; w++) {
        codes[t * words + w] = binary.get(CODE_WORD, binaryOffset(t, w, words));
      }
    }
    return codes;
  }

  public static long halfOffset(int token, int d, int dim) {
    return ((long) (token / HALF_BLOCK) * dim + d) * (HALF_BLOCK * Short.BYTES)
        + (token % HALF_BLOCK) * Short.BYTES;
  }

  public static long binaryOffset(int token, int word, int words) {
    return ((long) (token / BINARY_BLOCK) * words + word) * (BINARY_BLOCK * Long.BYTES)
        + (token % BINARY_BLOCK) * Long.BYTES;
  }

  /** Packs the sign bits of {@code vectors[from .. from + dim)} into {@code code[at .. at + words)}. */
  public static void signCode(float[] vectors, int from, int dim, long[] code, int at) {
    for (int w = 0; w < words(dim); w++) {
      long word = 0;
      for (int j = w * 64; j < Math.min(dim, w * 64 + 64); j++) {
        if (vectors[from + j] > 0f) {
          word |= 1L << (j & 63);
        }
      }
      code[at + w] = word;
    }
  }

  public static int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }

  public static void checkShape(int tokens, int dim) {
    if (tokens < 1) {
      throw new IllegalArgumentException("token count must be at least 1, got " + tokens);
    }
    if (dim < 8 || dim > MAX_DIM || dim % 8 != 0) {
      throw new IllegalArgumentException(
          "dim must be a multiple of 8 in 8.." + MAX_DIM + ", got " + dim);
    }
  }

  public static void checkVectors(float[] vectors, int tokens, int dim, float maxMagnitude) {
    if (vectors.length != (long) tokens * dim) {
      throw new IllegalArgumentException("expected " + tokens + " x " + dim + " = "
          + (long) tokens * dim + " floats, got " + vectors.length);
    }
    for (int i = 0; i < vectors.length; i++) {
      float v = vectors[i];
      if (!(Math.abs(v) <= maxMagnitude)) {
        throw new IllegalArgumentException("value " + v + " at token " + i / dim + ", dimension "
            + i % dim + " is not finite or exceeds " + maxMagnitude);
      }
    }
  }

  public static void checkSegment(String what, MemorySegment segment, long expected, int tokens, int dim) {
    if (segment.byteSize() != expected) {
      throw new IllegalArgumentException(what + ": " + segment.byteSize() + " bytes, expected "
          + expected + " for " + tokens + " tokens of dim " + dim);
    }
  }

  /** Checks that {@code expected} bytes at {@code offset} lie inside {@code segment}. */
  public static void checkRange(String what, MemorySegment segment, long offset, long expected, int tokens, int dim) {
    if (offset < 0 || offset > segment.byteSize() - expected) {
      throw new IllegalArgumentException(what + ": " + expected + " bytes for " + tokens
          + " tokens of dim " + dim + " at " + offset + " do not fit a segment of " + segment.byteSize() + " bytes");
    }
  }
}
