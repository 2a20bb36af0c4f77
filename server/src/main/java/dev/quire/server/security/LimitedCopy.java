package dev.quire.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams a request or response body into a file and stops as soon as it passes a size limit, so a
 * client cannot fill the disk by not saying (or lying about) how much it sends.
 */
public final class LimitedCopy {

  /** The body went past the limit; what was written so far is the caller's to delete. */
  public static final class OverLimitException extends IOException {
    OverLimitException(long maxBytes) {
      super("over the limit of " + maxBytes + " bytes");
    }
  }

  private LimitedCopy() {}

  /** Copies {@code body} into {@code target} and closes it; throws past {@code maxBytes}. */
  public static void copy(InputStream body, Path target, long maxBytes) throws IOException {
    try (InputStream in = body; OutputStream out = Files.newOutputStream(target)) {
      byte[] buffer = new byte[65_536];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > maxBytes) {
          throw new OverLimitException(maxBytes);
        }
        out.write(buffer, 0, n);
      }
    }
  }
}
