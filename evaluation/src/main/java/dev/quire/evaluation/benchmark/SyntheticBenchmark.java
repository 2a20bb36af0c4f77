package dev.quire.evaluation.benchmark;

import dev.quire.Quire;
import dev.quire.datasets.ReaderConfig;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.SyntheticCorpus;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.datasets.Qrels;
import dev.quire.datasets.vidore.EvalQuery;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in benchmark: the synthetic business corpus of the {@code datasets} module (invoices,
 * receipts, statements, tax forms, reports, slides, contracts as PDFs) with its generated questions,
 * each answered by one page only. Generated on first use, so it needs no download; the same
 * settings give the same bytes, and so the same BM25 numbers on any machine.
 *
 * <p>Page ids are {@code <file>#<page>} (e.g. {@code 0003-invoice.pdf#1}); query ids are the page id
 * and the question's position, {@code 0003-invoice.pdf#1/2}.
 */
public final class SyntheticBenchmark implements Benchmark {

  /** Forty documents: about a hundred pages and two hundred questions, indexed in well under a minute. */
  public static final int DEFAULT_DOCUMENTS = 40;

  public static final long DEFAULT_SEED = 42;

  /** Why a run with other settings is not checked against the committed expectations. */
  static final String OTHER_SETTINGS = "committed for " + DEFAULT_DOCUMENTS + " documents, seed " + DEFAULT_SEED
      + " and no OCR only";

  private final Path corpus;
  private final int documents;
  private final long seed;
  private final boolean ocr;
  private final List<GroundTruthPage> truth;

  private SyntheticBenchmark(Path corpus, int documents, long seed, boolean ocr, List<GroundTruthPage> truth) {
    this.corpus = corpus;
    this.documents = documents;
    this.seed = seed;
    this.ocr = ocr;
    this.truth = truth;
  }

  /**
   * Generates the corpus under {@code cache} unless a complete one is there (the ground truth is
   * written last, so its presence means the PDFs are complete).
   *
   * @param mode {@link OcrMode#ON} OCRs the scanned pages; AUTO and OFF keep the text layer only,
   *     so the numbers do not depend on the machine's Tesseract
   */
  public static SyntheticBenchmark prepare(Path cache, int documents, long seed, OcrMode mode) throws IOException {
    Path corpus = cache.resolve(String.format(Locale.ROOT, "synthetic-%d-%d", documents, seed));
    if (!Files.isRegularFile(corpus.resolve(GroundTruth.FILE_NAME))) {
      SyntheticCorpus.generate(corpus, documents, seed);
    }
    return new SyntheticBenchmark(corpus, documents, seed, mode == OcrMode.ON, GroundTruth.read(corpus));
  }

  /** Whether these are the settings the committed expectations were recorded with. */
  public boolean hasDefaultSettings() {
    return documents == DEFAULT_DOCUMENTS && seed == DEFAULT_SEED && !ocr;
  }

  @Override
  public String name() {
    return "synthetic";
  }

  @Override
  public Optional<Expectations.Committed> expectations() {
    return Optional.of(new Expectations.Committed("synthetic",
        hasDefaultSettings() ? Optional.empty() : Optional.of(OTHER_SETTINGS)));
  }

  @Override
  public String kind() {
    return "builtin synthetic";
  }

  @Override
  public String source() {
    return String.format(Locale.ROOT, "SyntheticCorpus.generate(%d documents, seed %d) in %s",
        documents, seed, corpus.toAbsolutePath().normalize());
  }

  /** nDCG@10, as ViDoRe v3. */
  @Override
  public Metric primaryMetric() {
    return new Metric(Measure.NDCG, 10);
  }

  @Override
  public String pageText() {
    return ocr
        ? "the PDF text layer; scanned pages: OCR"
        : "the PDF text layer; scanned pages have none (no OCR, so the numbers do not depend on Tesseract)";
  }

  @Override
  public String indexKey() {
    return String.format(Locale.ROOT, "synthetic documents=%d seed=%d ocr=%b", documents, seed, ocr);
  }

  @Override
  public ReaderConfig readerConfig() {
    return ReaderConfig.defaults().withOcr(ocr);
  }

  @Override
  public IndexReport index(Quire quire, IndexListener listener) throws IOException {
    return quire.index(List.of(corpus), listener);
  }

  @Override
  public List<EvalQuery> queries() {
    List<EvalQuery> queries = new ArrayList<>();
    for (GroundTruthPage page : truth) {
      for (int i = 0; i < page.questions().size(); i++) {
        queries.add(new EvalQuery(queryId(page, i), page.questions().get(i).question(), Optional.empty()));
      }
    }
    return queries;
  }

  @Override
  public Qrels qrels() {
    Qrels.Builder qrels = Qrels.builder();
    for (GroundTruthPage page : truth) {
      for (int i = 0; i < page.questions().size(); i++) {
        qrels.add(queryId(page, i), pageId(page.document(), page.page()), 1);
      }
    }
    return qrels.build();
  }

  @Override
  public String pageId(SearchHit hit) {
    return pageId(String.valueOf(Path.of(hit.sourcePath()).getFileName()), hit.pageNumber());
  }

  private static String pageId(String file, int page) {
    return file + "#" + page;
  }

  private static String queryId(GroundTruthPage page, int question) {
    return pageId(page.document(), page.page()) + "/" + (question + 1);
  }
}
