package dev.quire.training.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A page an example names: a page of a document file on disk, or a page image stored in a dataset
 * (ViDoRe Parquet, a BEIR corpus).
 */
public sealed interface PageRef permits PageRef.FilePage, PageRef.DatasetPage {

  /** What the held-out split keeps together: no page of a held-out document is trained on. */
  String document();

  /** A page of a document file on disk, 1-based. */
  record FilePage(Path file, int page) implements PageRef {
    public FilePage {
      Objects.requireNonNull(file, "file");
      if (page < 1) {
        throw new IllegalArgumentException("pages count from 1, got " + page + " for " + file);
      }
    }

    @Override
    public String document() {
      return file.toString();
    }

    @Override
    public String toString() {
      return file.getFileName() + " p." + page;
    }
  }

  /**
   * A page image held encoded (PNG, JPEG... as the dataset stores it) and decoded only when the
   * model's input is made, so a data set's pages are never all decoded at once. A page is its id:
   * rows that repeat a page share one {@code DatasetPage} and its bytes.
   *
   * @param id unique within its data set (an {@code image_filename}, a corpus id, a row)
   * @param document the document the page belongs to, for the held-out split
   */
  record DatasetPage(String id, String document, byte[] image) implements PageRef {
    public DatasetPage {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(document, "document");
      Objects.requireNonNull(image, "image");
    }

    /** Decodes the image (each call decodes again); a failure names the page. */
    public BufferedImage decode() throws IOException {
      BufferedImage decoded;
      try {
        decoded = ImageIO.read(new ByteArrayInputStream(image));
      } catch (IOException | RuntimeException e) {
        // the sources check headers only: pixel data can still be corrupt
        throw new IOException("page " + id + " cannot be decoded (" + e.getMessage() + ")", e);
      }
      if (decoded == null) {
        throw new IOException("page " + id + ": " + image.length + " bytes no image reader accepts");
      }
      return decoded;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof DatasetPage page && page.id.equals(id) && page.document.equals(document);
    }

    @Override
    public int hashCode() {
      return id.hashCode() * 31 + document.hashCode();
    }

    @Override
    public String toString() {
      return id;
    }
  }
}
