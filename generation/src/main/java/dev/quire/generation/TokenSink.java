package dev.quire.generation;

/**
 * Receives an answer as it is generated: each new token of sequence {@code sequence} (its index
 * in the batch) with the text it completes (whole characters only; may be empty).
 */
@FunctionalInterface
public interface TokenSink {

  void accept(int sequence, int tokenId, String text);

  /**
   * Sequence {@code sequence} ended; {@code rest} is text its last tokens left unfinished (bytes
   * of a character that never completed, as U+FFFD), usually empty.
   */
  default void end(int sequence, String rest) {}

  TokenSink NONE = (sequence, tokenId, text) -> {};
}
