package dev.quire.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** The document types Quire reads, recognised by their magic bytes. */
enum FileType {
  PDF("application/pdf"),
  PNG("image/png"),
  JPEG("image/jpeg"),
  TIFF("image/tiff"),
  BMP("image/bmp"),
  GIF("image/gif"),
  WEBP("image/webp");

  /** Readers accept a PDF header anywhere in the first 1024 bytes (junk may precede it). */
  static final int SNIFF_BYTES = 1024;

  private static final Set<String> EXTENSIONS =
      Set.of(
          "pdf", "png", "jpg", "jpeg", "jpe", "jfif", "tif", "tiff", "bmp", "dib", "gif", "webp");

  /** Sizes of the BMP info headers in use (OS/2 1.x, Windows 3 and its V2..V5 successors). */
  private static final Set<Integer> BMP_HEADER_SIZES = Set.of(12, 16, 40, 52, 56, 64, 108, 124);

  private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

  private final String mediaType;

  FileType(String mediaType) {
    this.mediaType = mediaType;
  }

  String mediaType() {
    return mediaType;
  }

  /** Whether a folder walk should pick the file up even before sniffing it. */
  static boolean hasDocumentExtension(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** The type of a file from its first {@code length} bytes, or {@code null} when unknown. */
  static FileType sniff(byte[] head, int length) {
    if (startsWith(head, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(head, length, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(head, length, 0, 'I', 'I', 42, 0)
        || startsWith(head, length, 0, 'M', 'M', 0, 42)
        || startsWith(head, length, 0, 'I', 'I', 43, 0)
        || startsWith(head, length, 0, 'M', 'M', 0, 43)) {
      return TIFF;
    }
    if (startsWith(head, length, 0, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(head, length, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (startsWith(head, length, 0, 'R', 'I', 'F', 'F')
        && startsWith(head, length, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    if (startsWith(head, length, 0, 'B', 'M') && length >= 18) {
      int infoHeaderSize =
          (head[14] & 0xFF)
              | (head[15] & 0xFF) << 8
              | (head[16] & 0xFF) << 16
              | (head[17] & 0xFF) << 24;
      if (BMP_HEADER_SIZES.contains(infoHeaderSize)) {
        return BMP;
      }
    }
    int limit = Math.min(length, SNIFF_BYTES) - PDF_MAGIC.length;
    for (int offset = 0; offset <= limit; offset++) {
      if (startsWith(head, length, offset, PDF_MAGIC)) {
        return PDF;
      }
    }
    return null;
  }

  private static boolean startsWith(byte[] head, int length, int offset, int... magic) {
    if (offset + magic.length > length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] head, int length, int offset, byte[] magic) {
    if (offset + magic.length > length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[offset + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
