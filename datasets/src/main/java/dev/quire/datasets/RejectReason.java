package dev.quire.datasets;

/** Why a file, or one page of it, was not read. */
public enum RejectReason {
  EMPTY_FILE("empty file"),
  UNKNOWN_TYPE("not a supported document type"),
  ENCRYPTED("password-protected PDF"),
  CORRUPT("corrupt or truncated file"),
  TOO_MANY_PAGES("too many pages"),
  TOO_MANY_PIXELS("image too large"),
  /** A PDF page whose size is beyond {@link ReaderConfig#maxPageSidePoints()}. */
  PAGE_TOO_LARGE("page too large"),
  /** One page of an otherwise readable PDF could not be rendered. */
  RENDER_FAILED("page could not be rendered"),
  READ_ERROR("file could not be read");

  private final String description;

  RejectReason(String description) {
    this.description = description;
  }

  /** A short human-readable phrase, e.g. "password-protected PDF". */
  public String description() {
    return description;
  }
}
