package dev.quire.tasks.output;

/**
 * A model's answer from which no value could be read even after repairs. It is the model's
 * fault, not the caller's or the server's: callers report it (HTTP 502 with this message, or a
 * failed item of a batch), never as an internal error.
 */
public final class UnparseableOutputException extends RuntimeException {
  public UnparseableOutputException(String message) {
    super(message);
  }
}
