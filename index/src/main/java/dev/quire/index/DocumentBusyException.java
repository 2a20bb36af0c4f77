package dev.quire.index;

/** The document has an open writer (it is being indexed): it cannot be changed or deleted now. */
public final class DocumentBusyException extends IllegalStateException {
  public DocumentBusyException(String message) {
    super(message);
  }
}
