package dev.quire.index;

import java.util.Objects;

/**
 * The embeddings of one page, already encoded by the retrieval codec: the index stores the two
 * blobs as opaque bytes.
 *
 * @param tokens number of vectors
 * @param dim dimension of each vector
 * @param half half-precision copy, read back for rescoring
 * @param binary sign-bit codes, read back by the Hamming pre-filter
 */
public record PageVectors(int tokens, int dim, byte[] half, byte[] binary) {
  public PageVectors {
    Objects.requireNonNull(half, "half");
    Objects.requireNonNull(binary, "binary");
    if (tokens <= 0 || dim <= 0) {
      throw new IllegalArgumentException(
          "page vectors need tokens > 0 and dim > 0, got tokens=" + tokens + " dim=" + dim);
    }
    if (half.length == 0 || binary.length == 0) {
      throw new IllegalArgumentException(
          "page vectors need non-empty blobs, got half="
              + half.length
              + " bytes, binary="
              + binary.length
              + " bytes");
    }
  }
}
