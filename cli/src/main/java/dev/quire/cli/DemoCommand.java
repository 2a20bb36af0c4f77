package dev.quire.cli;

import dev.quire.Quire;
import dev.quire.QuireConfig;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.QuestionAnswer;
import dev.quire.samples.SyntheticCorpus;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchResults;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job on the embedded default, with nothing to download: generate the synthetic
 * business corpus, index it, and answer some of its ground-truth questions.
 */
@Command(
    name = "demo",
    description = {
      "Generate a sample corpus (invoices, receipts, statements, tax forms, reports, slides),",
      "index it and answer a few of its questions, showing where the right page ranked."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "quire-demo",
      description = "Working folder: DIR/corpus and DIR/index (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--documents", defaultValue = "40", description = "Documents to generate (default: ${DEFAULT-VALUE}).")
  int documents;

  @Option(names = "--questions", defaultValue = "5", description = "Questions to show (default: ${DEFAULT-VALUE}).")
  int questions;

  @Option(names = "--seed", defaultValue = "42", description = "Corpus seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path corpus = dir.resolve("corpus");
    Path indexDir = dir.resolve("index");
    if (!Files.isRegularFile(corpus.resolve(GroundTruth.FILE_NAME))) {
      out.printf("Generating %d documents into %s ...%n", documents, corpus);
      SyntheticCorpus.generate(corpus, documents, seed);
    } else {
      out.println("Using the corpus already in " + corpus);
    }
    out.flush();
    List<GroundTruthPage> truth = GroundTruth.read(corpus);

    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), null)) {
      try (IndexProgress progress = new IndexProgress(quiet)) {
        IndexReport report = quire.index(List.of(corpus), progress);
        progress.close();
        Reports.printIndexReport(out, report, indexDir);
      }

      List<Asked> asked = new ArrayList<>();
      for (GroundTruthPage page : truth) {
        for (QuestionAnswer qa : page.questions()) {
          asked.add(new Asked(qa, page));
        }
      }
      int top1 = 0;
      int top3 = 0;
      for (Asked a : asked) {
        int rank = rankOfTruth(quire.search(a.qa.question(), 10), a.page, corpus);
        top1 += rank == 1 ? 1 : 0;
        top3 += rank >= 1 && rank <= 3 ? 1 : 0;
      }

      out.println();
      Random pick = new Random(seed);
      for (int i = 0; i < Math.min(questions, asked.size()); i++) {
        Asked a = asked.get(pick.nextInt(asked.size()));
        SearchResults results = quire.search(a.qa.question(), 3);
        int rank = rankOfTruth(quire.search(a.qa.question(), 10), a.page, corpus);
        out.printf("Q: %s%n   (answer \"%s\" is on %s p.%d: %s)%n",
            a.qa.question(), a.qa.answer(), a.page.document(), a.page.page(),
            rank > 0 ? "ranked " + rank : "not in the top 10");
        for (SearchHit hit : results.hits()) {
          out.printf(Locale.ROOT, "   %d. %7.3f  %s p.%d  %s%n", hit.rank(), hit.score(),
              Reports.fileName(hit.sourcePath()), hit.pageNumber(), Reports.oneLine(hit.snippet().text(), 90));
        }
        out.printf(Locale.ROOT, "   [%s, %.1f ms]%n%n", results.stats().pipeline(), results.stats().totalMillis());
      }
      out.printf(Locale.ROOT,
          "Over all %d ground-truth questions: right page first %d (%.0f%%), in the top 3 %d (%.0f%%).%n",
          asked.size(), top1, 100.0 * top1 / Math.max(1, asked.size()),
          top3, 100.0 * top3 / Math.max(1, asked.size()));
      // The same corpus scores lower under quire eval: there OCR is off, so that its numbers do not
      // depend on the machine's Tesseract, and the questions about scanned pages cannot be found.
      out.println("OCR of pages without a text layer: " + quire.ocrStatus() + ". (quire eval --builtin synthetic"
          + " keeps OCR off, so its numbers miss the questions about the scanned pages.)");
      out.println("Try:  ./quire search --index " + indexDir + " \"total due on the invoice\"");
      return 0;
    }
  }

  private record Asked(QuestionAnswer qa, GroundTruthPage page) {}

  /** 1-based rank of the ground-truth page among the hits, or 0. */
  private static int rankOfTruth(SearchResults results, GroundTruthPage truth, Path corpus) {
    Path expected = corpus.resolve(truth.document()).toAbsolutePath().normalize();
    for (SearchHit hit : results.hits()) {
      if (hit.pageNumber() == truth.page()
          && Path.of(hit.sourcePath()).toAbsolutePath().normalize().equals(expected)) {
        return hit.rank();
      }
    }
    return 0;
  }
}
