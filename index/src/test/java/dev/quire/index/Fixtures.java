package dev.quire.index;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Small documents, vectors and images for the index tests. */
final class Fixtures {
  static final ModelStamp MODEL = new ModelStamp("test-model", "sha256:0123", 16);
  static final int TOKENS = 12;

  private Fixtures() {}

  static IndexConfig config(Path directory) {
    return new IndexConfig(directory, TextLanguage.ENGLISH, 1L << 20, 64);
  }

  static DocumentRecord document(String id, String hash, int pages) {
    return new DocumentRecord(
        id,
        "/data/" + id + ".pdf",
        hash,
        1000L * pages,
        "application/pdf",
        pages,
        Instant.parse("2025-01-02T03:04:05.123456789Z"),
        Map.of("collection", "tests", "id", id));
  }

  /** Deterministic unit vectors of {@link #MODEL}'s dimension, encoded as the store keeps them. */
  static PageVectors vectors(long seed, int tokens) {
    return PageCodec.encode(Pages.unitVectors(seed, tokens, MODEL.dimension()), tokens, MODEL.dimension());
  }

  static long seed(String documentId, int pageNumber) {
    return documentId.hashCode() * 1_000_003L + pageNumber;
  }

  static BufferedImage image(int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(new Color((int) (seed * 2654435761L) & 0xFFFFFF));
    g.fillRect(width / 4, height / 4, width / 2, height / 3);
    g.dispose();
    return image;
  }

  static String text(String documentId, int pageNumber) {
    return "Page " + pageNumber + " of " + documentId + " mentions token" + documentId.hashCode()
        + " and the river runs quickly.";
  }

  static PageRecord page(String documentId, int pageNumber, boolean withImage) {
    return new PageRecord(
        pageNumber,
        text(documentId, pageNumber),
        "pdf",
        withImage ? image(80, 100, seed(documentId, pageNumber)) : null,
        vectors(seed(documentId, pageNumber), TOKENS));
  }

  /** Writes and commits a document of {@code pages} pages numbered from 1. */
  static void put(PageIndex index, String id, String hash, int pages) throws Exception {
    try (DocumentWriter writer = index.write(document(id, hash, pages), MODEL)) {
      for (int p = 1; p <= pages; p++) {
        writer.addPage(page(id, p, true));
      }
      writer.commit();
    }
  }
}
