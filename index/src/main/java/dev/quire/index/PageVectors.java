package dev.quire.index;

import java.util.Objects;

/**
 * One page's multi-vector embedding in the two stored layouts described in {@link PageCodec}.
 *
 * @param tokens the real token count (the layouts pad it; padding copies the last token)
 * @param dim the dimension of each token vector
 * @param half the half-precision copy, {@link PageCodec#halfBytes(int, int)} bytes, read back for
 *     rescoring
 * @param binary the sign codes, {@link PageCodec#binaryBytes(int, int)} bytes, read back by the
 *     Hamming pre-filter
 */
public record PageVectors(int tokens, int dim, byte[] half, byte[] binary) {

  public PageVectors {
    Objects.requireNonNull(half, "half");
    Objects.requireNonNull(binary, "binary");
    PageCodec.checkShape(tokens, dim);
    if (half.length != PageCodec.halfBytes(tokens, dim)) {
      throw new IllegalArgumentException("half copy: " + half.length + " bytes, expected "
          + PageCodec.halfBytes(tokens, dim) + " for " + tokens + " tokens of dim " + dim);
    }
    if (binary.length != PageCodec.binaryBytes(tokens, dim)) {
      throw new IllegalArgumentException("binary codes: " + binary.length + " bytes, expected "
          + PageCodec.binaryBytes(tokens, dim) + " for " + tokens + " tokens of dim " + dim);
    }
  }
}
