package dev.quire.evaluation.benchmark;

import dev.quire.Quire;
import dev.quire.datasets.OcrConfig;
import dev.quire.datasets.OcrEngine;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.Page;
import dev.quire.datasets.ReaderConfig;
import dev.quire.datasets.RejectReason;
import dev.quire.datasets.SourceInfo;
import dev.quire.datasets.TextSource;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.datasets.Qrels;
import dev.quire.datasets.vidore.CorpusPage;
import dev.quire.datasets.vidore.DatasetVersion;
import dev.quire.datasets.vidore.EvalDataset;
import dev.quire.datasets.vidore.EvalQuery;
import dev.quire.indexing.DocumentInput;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.stream.Stream;

/**
 * A ViDoRe dataset folder as a benchmark. Each corpus page becomes a one-page document whose id is
 * the corpus id, with the dataset's text ({@code markdown} in v3) or OCR text for BM25, and the
 * image as stored, so the encoder resizes it exactly as the official evaluation does. The content
 * hash is taken from the image bytes and the text, so a second run skips unchanged pages.
 */
public final class ViDoReBenchmark implements Benchmark {

  private final EvalDataset dataset;
  private final String name;
  private final OcrEngine ocr;
  private final String ocrStatus;
  private final AtomicInteger ocrFailures = new AtomicInteger();

  private ViDoReBenchmark(EvalDataset dataset, String name, OcrEngine ocr, String ocrStatus) {
    this.dataset = dataset;
    this.name = name;
    this.ocr = ocr;
    this.ocrStatus = ocrStatus;
  }

  /**
   * Opens a downloaded dataset folder.
   *
   * @param name the benchmark's name in the report (the folder name when null)
   * @throws IOException if the folder is not a ViDoRe dataset, or OCR is {@link OcrMode#ON} and
   *     Tesseract is not available
   */
  public static ViDoReBenchmark open(Path folder, String name, OcrMode mode) throws IOException {
    EvalDataset dataset = EvalDataset.open(folder);
    String benchmarkName = name != null ? name : String.valueOf(folder.toAbsolutePath().normalize().getFileName());
    boolean wanted = switch (mode) {
      case OFF -> false;
      case ON -> true;
      case AUTO -> dataset.textColumn().isEmpty();
    };
    if (!wanted) {
      return new ViDoReBenchmark(dataset, benchmarkName, null, "off");
    }
    OcrEngine engine = OcrEngine.tesseract(OcrConfig.defaults());
    if (engine.available()) {
      return new ViDoReBenchmark(dataset, benchmarkName, engine, engine.status());
    }
    String status = engine.status();
    engine.close();
    if (mode == OcrMode.ON) {
      throw new IOException("--ocr on, but OCR is not available: " + status);
    }
    return new ViDoReBenchmark(dataset, benchmarkName, null, "unavailable: " + status);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return switch (dataset.version()) {
      case V1 -> "ViDoRe v1";
      case V2 -> "ViDoRe v2";
      case V3 -> "ViDoRe v3";
    };
  }

  @Override
  public String source() {
    return dataset.folder().toAbsolutePath().normalize().toString();
  }

  /** nDCG@10 for v3, nDCG@5 for v1 and v2, the main scores of their leaderboards. */
  @Override
  public Metric primaryMetric() {
    return new Metric(Measure.NDCG, dataset.version() == DatasetVersion.V3 ? 10 : 5);
  }

  @Override
  public String pageText() {
    String column = dataset.textColumn().map(c -> "the dataset's " + c + " column").orElse(null);
    if (ocr != null) {
      int failed = ocrFailures.get();
      return (column == null ? "" : column + "; pages without it: ") + "OCR (" + ocrStatus + ")"
          + (failed == 0 ? "" : "; OCR failed on " + failed + " pages, indexed without text");
    }
    if (column != null) {
      return column;
    }
    return "none: the dataset has no page text and OCR is " + ocrStatus
        + ", so BM25 finds nothing";
  }

  @Override
  public String indexKey() {
    StringBuilder key = new StringBuilder("vidore ").append(dataset.version()).append(' ').append(name);
    Path root = dataset.folder();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(p -> p.toString().endsWith(".parquet") && Files.isRegularFile(p)).sorted()
          .forEach(p -> key.append(' ').append(root.relativize(p)).append(':').append(size(p)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    return key.append(" ocr=").append(ocr != null).toString();
  }

  @Override
  public ReaderConfig readerConfig() {
    return ReaderConfig.defaults().withOcr(ocr != null);
  }

  @Override
  public IndexReport index(Quire quire, IndexListener listener) throws IOException {
    int count = dataset.corpusSize();
    try (Stream<CorpusPage> pages = dataset.corpus()) {
      Iterator<CorpusPage> corpus = pages.iterator();
      Iterator<DocumentInput> documents = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return corpus.hasNext();
        }

        @Override
        public DocumentInput next() {
          return document(corpus.next());
        }
      };
      return quire.index(documents, count, listener);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private DocumentInput document(CorpusPage page) {
    byte[] image = bytes(page.imageBytes());
    String text = page.text().orElse(null);
    MessageDigest sha256 = sha256();
    sha256.update(image);
    if (text != null) {
      sha256.update((byte) 0);
      sha256.update(text.getBytes(StandardCharsets.UTF_8));
    }
    SourceInfo source = new SourceInfo(page.id(), pagePath(page.id()),
        HexFormat.of().formatHex(sha256.digest()), image.length, mediaType(image));
    return new DocumentInput(source, 1, number -> {
      BufferedImage rgb;
      try {
        rgb = rgb(page.decodeImage());
      } catch (IOException e) {
        // One undecodable page is skipped and reported; the rest of the corpus is indexed.
        throw new DocumentRejectedException(source.path(), RejectReason.CORRUPT, number, e.getMessage(), e);
      }
      if (text != null) {
        return new Page(number, rgb, text, TextSource.TEXT_LAYER);
      }
      if (ocr != null) {
        String recognised;
        try {
          recognised = ocr.recognize(rgb, 0);
        } catch (IOException e) {
          // The page still counts for the embeddings; BM25 just cannot find it.
          ocrFailures.incrementAndGet();
          recognised = "";
        }
        return new Page(number, rgb, recognised, recognised.isEmpty() ? TextSource.NONE : TextSource.OCR);
      }
      return new Page(number, rgb, "", TextSource.NONE);
    });
  }

  @Override
  public List<EvalQuery> queries() throws IOException {
    try (Stream<EvalQuery> queries = dataset.queries()) {
      return queries.toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public Qrels qrels() throws IOException {
    return dataset.qrels();
  }

  /** The corpus id: each page is a one-page document of that id. */
  @Override
  public String pageId(SearchHit hit) {
    return hit.documentId();
  }

  @Override
  public void close() {
    if (ocr != null) {
      ocr.close();
    }
  }

  /** Where the page came from, for the index's records; ids that are no path give the folder. */
  private Path pagePath(String id) {
    Path corpus = dataset.folder().toAbsolutePath().normalize();
    try {
      return corpus.resolve(id);
    } catch (InvalidPathException e) {
      return corpus;
    }
  }

  /** Page images are handed to the encoder as RGB, as a PDF page rendering would be. */
  private static BufferedImage rgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    var g = rgb.createGraphics();
    try {
      // Transparent pixels become white, as on paper.
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static String mediaType(byte[] image) {
    if (image.length >= 4 && (image[0] & 0xFF) == 0x89 && image[1] == 'P' && image[2] == 'N' && image[3] == 'G') {
      return "image/png";
    }
    if (image.length >= 2 && (image[0] & 0xFF) == 0xFF && (image[1] & 0xFF) == 0xD8) {
      return "image/jpeg";
    }
    return "application/octet-stream";
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return kind() + " " + name + " (" + source() + ")";
  }
}
