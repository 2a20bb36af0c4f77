package dev.quire.encoder;

/**
 * What identifies an encoder's embedding space: two encoders with the same info produce
 * comparable vectors, so an index records it and refuses queries from any other.
 *
 * @param name model name, e.g. the checkpoint folder's model id
 * @param checkpointHash hash of the weights (and adapter) actually loaded
 * @param dimension length of each token vector
 */
public record EncoderInfo(String name, String checkpointHash, int dimension) {
  public EncoderInfo {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("encoder name must not be blank");
    }
    if (checkpointHash == null || checkpointHash.isBlank()) {
      throw new IllegalArgumentException("checkpoint hash must not be blank");
    }
    if (dimension < 8 || dimension % 8 != 0) {
      throw new IllegalArgumentException(
          "dimension must be a positive multiple of 8 (sign bits are packed in bytes), got "
              + dimension);
    }
  }
}
