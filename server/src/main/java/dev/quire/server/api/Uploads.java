package dev.quire.server.api;

import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.RejectReason;
import dev.quire.datasets.SourceInfo;
import dev.quire.server.jobs.Jobs;
import dev.quire.server.security.LimitedCopy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Files from clients: streamed into a temporary file under the server's own folder with a byte
 * limit, then typed by their magic bytes (never by name). A file that fails any check is deleted
 * before the error goes out; callers delete the ones they did not hand on, in a finally.
 */
final class Uploads {
  private Uploads() {}

  private static final int MAX_NAME_CHARS = 120;

  /** A checked file in {@code file}, still the caller's to delete or hand on. */
  record Received(Path file, String fileName, SourceInfo source) {
    Jobs.Upload upload() {
      return new Jobs.Upload(file, fileName, source.contentHash());
    }
  }

  static Received receive(
      InputStream content, String submittedName, long maxBytes, Path temporaryDirectory,
      DocumentReader reader)
      throws IOException {
    String name = safeFileName(submittedName);
    Path file = Files.createTempFile(temporaryDirectory, "upload-", ".part");
    try {
      copy(content, file, maxBytes, name);
      return new Received(file, name, identify(reader, file, name));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /** Streams into {@code file}; 413 past {@code maxBytes}. */
  static void copy(InputStream content, Path file, long maxBytes, String name) throws IOException {
    try {
      LimitedCopy.copy(content, file, maxBytes);
    } catch (LimitedCopy.OverLimitException e) {
      throw tooLarge(name, maxBytes);
    }
  }

  /**
   * The bytes of base64 {@code text} (a {@code data:...;base64,} prefix is read past), at most
   * {@code maxBytes}; {@code what} names the field in errors.
   */
  static byte[] base64(String text, long maxBytes, String what) {
    String data = text;
    int comma = data.indexOf(',');
    if (data.startsWith("data:") && comma > 0) {
      data = data.substring(comma + 1);
    }
    if ((long) data.length() / 4 * 3 > maxBytes + 3) {
      throw tooLarge("image", maxBytes);
    }
    byte[] bytes;
    try {
      bytes = java.util.Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(what + " is not valid base64: " + e.getMessage());
    }
    if (bytes.length == 0) {
      throw ApiException.invalid(what + " is empty");
    }
    if (bytes.length > maxBytes) {
      throw tooLarge("image", maxBytes);
    }
    return bytes;
  }

  static ApiException tooLarge(String name, long maxBytes) {
    return new ApiException(
        413, "PAYLOAD_TOO_LARGE", "'" + name + "' is over the limit of " + maxBytes + " bytes per file");
  }

  /** What the file is, from its first bytes; a clear client error when it is nothing we read. */
  static SourceInfo identify(DocumentReader reader, Path file, String name) throws IOException {
    try {
      return reader.identify(file);
    } catch (DocumentRejectedException e) {
      throw rejected(e, name);
    }
  }

  static ApiException rejected(DocumentRejectedException e, String name) {
    String detail = e.detail().isBlank() ? "" : " (" + withoutJavaNames(e.detail()) + ")";
    if (e.reason() == RejectReason.UNKNOWN_TYPE) {
      return new ApiException(
          415, "UNSUPPORTED_TYPE",
          "'" + name + "' is not a PDF or a PNG, JPEG, TIFF, BMP, GIF or WebP image" + detail);
    }
    return new RequestValidationException(
        "DOCUMENT_REJECTED",
        "'" + name + "' " + e.reason().description() + detail + " [" + e.reason().name() + "]", null);
  }

  private static final Pattern JAVA_EXCEPTION =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error):?\\s*");

  /** A reader's detail without the Java exception names some carry ("javax.imageio.IIOException: "). */
  static String withoutJavaNames(String detail) {
    return JAVA_EXCEPTION.matcher(detail).replaceAll("");
  }

  /**
   * A name safe to store and show: the last path segment of what the client sent, without control
   * characters or separators, at most {@value #MAX_NAME_CHARS} characters, never hidden.
   */
  static String safeFileName(String submitted) {
    String name = submitted == null ? "" : Normalizer.normalize(submitted, Normalizer.Form.NFC);
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    name = name.substring(slash + 1);
    StringBuilder clean = new StringBuilder();
    name.codePoints()
        .filter(c -> !Character.isISOControl(c) && c != ':' && c != '*' && c != '?' && c != '"'
            && c != '<' && c != '>' && c != '|' && Character.getType(c) != Character.FORMAT)
        .forEach(clean::appendCodePoint);
    name = clean.toString().strip().replaceFirst("^\\.+", "");
    if (name.length() > MAX_NAME_CHARS) {
      int dot = name.lastIndexOf('.');
      String extension = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
      name = name.substring(0, MAX_NAME_CHARS - extension.length()) + extension;
    }
    return name.isEmpty() ? "upload" : name;
  }
}
