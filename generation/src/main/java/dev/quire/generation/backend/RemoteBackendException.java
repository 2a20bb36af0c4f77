package dev.quire.generation.backend;

/**
 * A remote backend failed after its retries, or answered what is not an answer: the message names
 * the backend and what went wrong (the HTTP layer answers 502).
 */
public final class RemoteBackendException extends RuntimeException {
  public RemoteBackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
