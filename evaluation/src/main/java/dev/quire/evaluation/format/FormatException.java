package dev.quire.evaluation.format;

import java.io.IOException;

/** A run or qrels file that cannot be read; the message quotes the file, the line number and the line. */
public final class FormatException extends IOException {

  private static final int MAX_QUOTED = 200;

  private final String source;
  private final long lineNumber;
  private final String line;

  public FormatException(String source, long lineNumber, String line, String reason) {
    super(source + ":" + lineNumber + ": " + reason + ": \"" + abbreviate(line) + "\"");
    this.source = source;
    this.lineNumber = lineNumber;
    this.line = line;
  }

  /** The file name (or the name given for a stream). */
  public String source() {
    return source;
  }

  /** 1-based line number. */
  public long lineNumber() {
    return lineNumber;
  }

  /** The offending line, in full. */
  public String line() {
    return line;
  }

  private static String abbreviate(String line) {
    return line.length() <= MAX_QUOTED ? line : line.substring(0, MAX_QUOTED) + "...";
  }
}
