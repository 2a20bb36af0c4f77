package dev.quire.training.data;

import dev.quire.datasets.Qrels;
import dev.quire.datasets.vidore.TrainingRows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Examples from page images stored in Parquet: a ViDoRe-train question-answer table and a BEIR
 * folder. Pages stay encoded in {@link PageRef.DatasetPage}s, one per distinct page however many
 * rows name it; each is checked once by reading its image header (format and size, not the
 * pixels), so a page is decoded only when the run feeds it to the model.
 */
final class DatasetSources {
  private DatasetSources() {}

  /** A page number at the end of a file name: {@code doc_a_p1}, {@code ffbf0023_4}, {@code report-page-12}. */
  private static final Pattern PAGE_SUFFIX = Pattern.compile("(.+?)[_-]+(?:p|pg|page)?[_-]?\\d+", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z]{2,5}$");

  static TrainingData vidore(Path folder, String split, long seed, double heldOutShare) throws IOException {
    TrainingSources.requireShare(heldOutShare);
    List<TrainingExample> examples = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int empty = 0;
    Pages pages = new Pages(skipped);
    try (Stream<TrainingRows.QaRow> rows = TrainingRows.qaRows(folder, split)) {
      for (Iterator<TrainingRows.QaRow> it = rows.iterator(); it.hasNext(); ) {
        TrainingRows.QaRow row = it.next();
        String filename = blankToNull(row.imageFilename());
        String where = "row " + row.index() + (filename == null ? "" : " (" + filename + ")");
        if (row.query() == null || row.query().isBlank()) {
          empty++;
          skipped.add(where + ": empty query");
          continue;
        }
        // without a file name each row is its own page and its own document
        String pageId = filename != null ? filename : "row-" + row.index();
        String document = blankToNull(row.document()) != null ? row.document()
            : filename != null ? documentOf(filename) : pageId;
        PageRef.DatasetPage positive = pages.page(pageId, document, row.image(), where);
        List<PageRef> negatives = new ArrayList<>();
        boolean usable = positive != null;
        if (row.negativeImage() != null) {
          String negativeId = "row-" + row.index() + "-negative";
          PageRef.DatasetPage negative = pages.page(negativeId, negativeId, row.negativeImage(), where + " neg_image");
          usable &= negative != null;
          negatives.add(negative);
        }
        if (usable) {
          examples.add(new TrainingExample("row-" + row.index(), row.query(), positive, negatives));
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return TrainingSources.split(examples, new DataReport(examples.size(), empty, pages.unreadableCount(), skipped),
        heldOutShare, seed);
  }

  static TrainingData beir(Path folder, String split, long seed, double heldOutShare) throws IOException {
    TrainingSources.requireShare(heldOutShare);
    TrainingRows.Beir beir = TrainingRows.beir(folder, split);
    Qrels qrels = beir.qrels();
    Set<String> relevant = new HashSet<>();
    for (String query : qrels.queryIds()) {
      qrels.judgments(query).forEach((page, score) -> {
        if (score > 0) {
          relevant.add(page);
        }
      });
    }
    List<TrainingExample> examples = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Pages pages = new Pages(skipped);
    int empty = 0;
    try {
      // only pages a query needs are kept; the rest of the corpus streams past
      try (Stream<TrainingRows.CorpusImage> corpus = beir.corpus()) {
        for (Iterator<TrainingRows.CorpusImage> it = corpus.iterator(); it.hasNext(); ) {
          TrainingRows.CorpusImage page = it.next();
          if (page.id() != null && relevant.contains(page.id()) && !pages.known(page.id())) {
            String document = blankToNull(page.document()) != null ? page.document() : page.id();
            pages.page(page.id(), document, page.image(), "corpus page " + page.id());
          }
        }
      }
      try (Stream<TrainingRows.QueryText> queries = beir.queries()) {
        for (Iterator<TrainingRows.QueryText> it = queries.iterator(); it.hasNext(); ) {
          TrainingRows.QueryText query = it.next();
          if (query.text() == null || query.text().isBlank()) {
            empty++;
            skipped.add("query " + query.id() + ": empty query");
            continue;
          }
          for (Map.Entry<String, Integer> judged : qrels.judgments(query.id()).entrySet()) {
            if (judged.getValue() <= 0) {
              continue;
            }
            if (!pages.known(judged.getKey())) {
              pages.missing(judged.getKey(), "corpus page " + judged.getKey() + ": not in the corpus");
            }
            PageRef.DatasetPage page = pages.get(judged.getKey());
            if (page != null) {
              examples.add(new TrainingExample(query.id() + "/" + judged.getKey(), query.text(), page, List.of()));
            }
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return TrainingSources.split(examples, new DataReport(examples.size(), empty, pages.unreadableCount(), skipped),
        heldOutShare, seed);
  }

  /**
   * The document part of an {@code image_filename}: the name without folders, extension and a page
   * number at its end ({@code images/ffbf0023_4.png} is page 4 of {@code ffbf0023}); a name without
   * a page number is its own document.
   */
  static String documentOf(String filename) {
    String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
    name = EXTENSION.matcher(name).replaceFirst("");
    Matcher numbered = PAGE_SUFFIX.matcher(name);
    return numbered.matches() ? numbered.group(1) : name;
  }

  /** The pages read so far, each checked once; an unusable page named once in the report. */
  private static final class Pages {
    private final Map<String, PageRef.DatasetPage> usable = new HashMap<>();
    private final Set<String> unusable = new HashSet<>();
    private final List<String> skipped;

    Pages(List<String> skipped) {
      this.skipped = skipped;
    }

    boolean known(String id) {
      return usable.containsKey(id) || unusable.contains(id);
    }

    PageRef.DatasetPage get(String id) {
      return usable.get(id);
    }

    /** The page of that id, made from {@code image} the first time it is seen; null if unusable. */
    PageRef.DatasetPage page(String id, String document, byte[] image, String where) {
      if (known(id)) {
        return usable.get(id); // a repeated page keeps its first row's bytes and verdict
      }
      String why = image == null ? "no image bytes" : whyUnreadable(image);
      if (why != null) {
        missing(id, where + ": " + why);
        return null;
      }
      PageRef.DatasetPage page = new PageRef.DatasetPage(id, document, image);
      usable.put(id, page);
      return page;
    }

    void missing(String id, String line) {
      unusable.add(id);
      skipped.add(line);
    }

    int unreadableCount() {
      return unusable.size();
    }
  }

  /** Why the bytes are not an image a reader can open (format and size from the header), or null. */
  static String whyUnreadable(byte[] image) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return image.length + " bytes in no image format a reader knows";
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return reader.getWidth(0) > 0 && reader.getHeight(0) > 0 ? null : "an image without pixels";
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return "the image header cannot be read (" + e.getMessage() + ")";
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }
}
