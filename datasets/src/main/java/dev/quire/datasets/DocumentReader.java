package dev.quire.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Reads documents: PDFs (pages rendered with PDFBox, text from their text layer) and images (PNG,
 * JPEG including CMYK, multi-page TIFF, BMP, GIF, WebP), with Tesseract OCR for pages that have no
 * text. Types are recognised by their magic bytes, not their names. Every problem with a file
 * becomes a {@link DocumentRejectedException} naming the file and a {@link RejectReason}.
 *
 * <p>Thread-safe: several threads may open documents at once; each {@link LoadedDocument} belongs
 * to one thread.
 */
public final class DocumentReader implements AutoCloseable {
  /** Document ids are 128 bits of SHA-256, in hex: collision-free for any realistic corpus. */
  static final int ID_HEX_CHARS = 32;

  private static final int READ_BUFFER = 1 << 16;

  private final ReaderConfig config;
  private final PageOcr ocr;

  public DocumentReader(ReaderConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.ocr = new PageOcr(config);
  }

  public ReaderConfig config() {
    return config;
  }

  /**
   * The files under {@code roots}, in a deterministic order: files given directly are kept even if
   * their extension is unusual; folders are walked recursively in name order, skipping hidden
   * entries and symbolic-link loops, keeping files that look like documents by extension or magic
   * bytes. A file reached twice is listed once.
   *
   * @throws java.nio.file.NoSuchFileException when a root does not exist
   */
  public List<Path> discover(List<Path> roots) throws IOException {
    return FolderWalk.discover(roots);
  }

  /**
   * The file's identity, read without decoding any page: size, type from the magic bytes, and
   * SHA-256 of the content (the whole file is read once).
   *
   * @throws DocumentRejectedException EMPTY_FILE, UNKNOWN_TYPE, or READ_ERROR
   */
  public SourceInfo identify(Path file) throws DocumentRejectedException, IOException {
    return sniff(file).source();
  }

  /** Opens the file; pages are then rendered one at a time by {@link LoadedDocument#page}. */
  public LoadedDocument open(Path file) throws DocumentRejectedException, IOException {
    Sniffed sniffed = sniff(file);
    return sniffed.type() == FileType.PDF
        ? PdfDocument.open(sniffed.source(), config, ocr)
        : ImageDocument.open(sniffed.source(), sniffed.type(), config, ocr);
  }

  /** The OCR engine (located on first call): whether it is available, and if not, why. */
  public OcrEngine ocr() {
    return ocr.engine();
  }

  @Override
  public void close() {
    ocr.close();
  }

  private record Sniffed(SourceInfo source, FileType type) {}

  private Sniffed sniff(Path given) throws DocumentRejectedException {
    Path file = given.toAbsolutePath().normalize();
    if (Files.isDirectory(file)) {
      throw new DocumentRejectedException(file, RejectReason.READ_ERROR, "it is a folder");
    }
    MessageDigest sha256 = sha256();
    byte[] head = new byte[FileType.SNIFF_BYTES];
    int headLength = 0;
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[READ_BUFFER];
      int read;
      while ((read = in.read(buffer)) > 0) {
        if (headLength < head.length) {
          int copy = Math.min(read, head.length - headLength);
          System.arraycopy(buffer, 0, head, headLength, copy);
          headLength += copy;
        }
        sha256.update(buffer, 0, read);
        size += read;
      }
    } catch (IOException e) {
      throw new DocumentRejectedException(file, RejectReason.READ_ERROR, 0, e.toString(), e);
    }
    if (size == 0) {
      throw new DocumentRejectedException(file, RejectReason.EMPTY_FILE, "0 bytes");
    }
    FileType type = FileType.sniff(head, headLength);
    if (type == null) {
      throw new DocumentRejectedException(
          file,
          RejectReason.UNKNOWN_TYPE,
          "its first bytes match no PDF or image signature (" + preview(head, headLength) + ")");
    }
    String contentHash = HexFormat.of().formatHex(sha256.digest());
    String id = documentId(file, contentHash, config.idMode());
    return new Sniffed(new SourceInfo(id, file, contentHash, size, type.mediaType()), type);
  }

  /** The id of a document: from its path or its content, as {@code mode} says. */
  static String documentId(Path file, String contentHash, DocumentIdMode mode) {
    return switch (mode) {
      case CONTENT -> contentHash.substring(0, ID_HEX_CHARS);
      case PATH -> {
        String path = file.toAbsolutePath().normalize().toString();
        byte[] digest = sha256().digest(path.getBytes(StandardCharsets.UTF_8));
        yield HexFormat.of().formatHex(digest).substring(0, ID_HEX_CHARS);
      }
    };
  }

  /** The first bytes, printable ones as text, for the rejection message. */
  private static String preview(byte[] head, int length) {
    StringBuilder text = new StringBuilder("starts with \"");
    for (int i = 0; i < Math.min(length, 16); i++) {
      int b = head[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
        text.append((char) b);
      } else {
        text.append(String.format("\\x%02x", b));
      }
    }
    return text.append('"').toString();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
