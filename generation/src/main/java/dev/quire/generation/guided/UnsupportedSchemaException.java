package dev.quire.generation.guided;

/** A JSON Schema uses something guided decoding does not follow; the message says what and where. */
public final class UnsupportedSchemaException extends IllegalArgumentException {
  public UnsupportedSchemaException(String message) {
    super(message);
  }
}
