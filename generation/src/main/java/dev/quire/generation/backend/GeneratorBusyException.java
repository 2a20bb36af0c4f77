package dev.quire.generation.backend;

/** A backend has as many requests waiting as it accepts: the caller should retry later (HTTP 429). */
public final class GeneratorBusyException extends RuntimeException {
  public GeneratorBusyException(String message) {
    super(message);
  }
}
