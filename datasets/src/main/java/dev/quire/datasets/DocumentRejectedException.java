package dev.quire.datasets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file, or one page of it, that cannot be read. Carries the file, a typed reason and, for a
 * page-level rejection, the page number; the message quotes all three and the cause's detail.
 */
public final class DocumentRejectedException extends Exception {
  private final Path file;
  private final RejectReason reason;
  private final int page;
  private final String detail;

  public DocumentRejectedException(Path file, RejectReason reason, String detail) {
    this(file, reason, 0, detail, null);
  }

  public DocumentRejectedException(
      Path file, RejectReason reason, int page, String detail, Throwable cause) {
    super(message(file, reason, page, detail), cause);
    this.file = Objects.requireNonNull(file, "file");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.page = page;
    this.detail = detail == null ? "" : detail;
  }

  private static String message(Path file, RejectReason reason, int page, String detail) {
    StringBuilder message = new StringBuilder().append(file);
    if (page > 0) {
      message.append(" page ").append(page);
    }
    message.append(": ").append(reason.description());
    if (detail != null && !detail.isBlank()) {
      message.append(" (").append(detail).append(')');
    }
    return message.toString();
  }

  public Path file() {
    return file;
  }

  public RejectReason reason() {
    return reason;
  }

  /** The rejected page (1-based), or 0 when the whole file is rejected. */
  public int page() {
    return page;
  }

  /** What exactly was wrong, e.g. "50000 x 50000 = 2500000000 pixels, limit 100000000". */
  public String detail() {
    return detail;
  }
}
