package dev.quire.tasks;

import dev.quire.Quire;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.Page;
import dev.quire.index.DocumentRecord;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A document's pages as a task reads them: each page's image and its text ("" where none), from a
 * file (images, or a PDF's pages with their text layer) or from what an index stored.
 */
public record DocumentPages(List<BufferedImage> images, List<String> texts) {

  public DocumentPages {
    images = List.copyOf(images);
    texts = List.copyOf(texts);
  }

  /**
   * The pages of {@code file}.
   *
   * @throws IllegalArgumentException when it has more than {@code max} pages
   */
  public static DocumentPages read(DocumentReader reader, Path file, int max)
      throws IOException, DocumentRejectedException {
    List<BufferedImage> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try (LoadedDocument document = reader.open(file)) {
      if (document.pageCount() > max) {
        throw new IllegalArgumentException("the document has " + document.pageCount() + " pages; at most "
            + max + " are read");
      }
      for (int n = 1; n <= document.pageCount(); n++) {
        Page page = document.page(n);
        images.add(page.image());
        texts.add(page.text() == null ? "" : page.text());
      }
    }
    return new DocumentPages(images, texts);
  }

  /** The first {@code max} stored pages of an indexed document that have an image. */
  public static DocumentPages indexed(Quire quire, DocumentRecord document, int max) throws IOException {
    List<BufferedImage> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    String id = document.documentId();
    for (int n = 1; n <= Math.min(document.pageCount(), max); n++) {
      Optional<Path> file = quire.pageImage(id, n, false);
      BufferedImage image = file.isPresent() ? ImageIO.read(file.get().toFile()) : null;
      if (image != null) {
        images.add(image);
        texts.add(quire.pageText(id, n).orElse(""));
      }
    }
    return new DocumentPages(images, texts);
  }
}
