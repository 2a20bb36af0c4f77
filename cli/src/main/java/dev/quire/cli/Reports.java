package dev.quire.cli;

import dev.quire.index.IndexStats;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchResults;
import dev.quire.retrieval.SearchStats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** How results look on a terminal. */
final class Reports {

  private Reports() {}

  static void requireExistingIndex(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          "no index at " + directory.toAbsolutePath()
              + " (index something first: quire index --index " + directory + " <files>)");
    }
  }

  static void printIndexReport(PrintWriter out, IndexReport report, Path indexDirectory) {
    out.printf(
        Locale.ROOT,
        "Indexed %d documents (%d pages%s%s), %d unchanged, %d skipped in %.1f s -> %s%n",
        report.indexed().size(),
        report.pagesIndexed(),
        report.pagesResumed() > 0 ? ", " + report.pagesResumed() + " resumed" : "",
        report.pagesEmbedded() > 0 ? ", " + report.pagesEmbedded() + " embedded" : "",
        report.unchanged().size(),
        report.skipped().size(),
        report.seconds(),
        indexDirectory);
    for (IndexReport.Skipped s : report.skipped()) {
      out.println("  skipped " + s);
    }
    for (String note : report.notes()) {
      out.println("  note: " + note);
    }
  }

  static void printResults(PrintWriter out, SearchResults results) {
    if (results.hits().isEmpty()) {
      out.println("No pages match \"" + results.query() + "\".");
    }
    for (SearchHit hit : results.hits()) {
      out.printf(
          Locale.ROOT,
          "%3d. %9.4f  %s  p.%d  [%s]%n      %s%n",
          hit.rank(),
          hit.score(),
          fileName(hit.sourcePath()),
          hit.pageNumber(),
          hit.documentId(),
          oneLine(hit.snippet().text(), 160));
    }
    printStats(out, results.stats());
  }

  static void printStats(PrintWriter out, SearchStats stats) {
    StringBuilder line = new StringBuilder();
    for (SearchStats.Stage stage : stats.stages()) {
      line.append(line.isEmpty() ? "" : ", ")
          .append(String.format(Locale.ROOT, "%s %.1f ms", stage.name(), stage.millis()));
      if (stage.inputPages() >= 0 && !stage.name().equals("encode-query")) {
        line.append(" (").append(stage.inputPages()).append(" -> ").append(stage.outputPages()).append(')');
      }
    }
    out.printf(
        Locale.ROOT, "[%s | %.1f ms: %s]%n", stats.pipeline(), stats.totalMillis(), line);
    for (String note : stats.notes()) {
      out.println("note: " + note);
    }
  }

  static void printInfo(PrintWriter out, Path directory, IndexStats stats, String ocrStatus) {
    out.println("Index            " + directory.toAbsolutePath());
    out.println("Documents        " + stats.documents());
    out.println("Pages            " + stats.pages());
    out.println("  with vectors   " + stats.pagesWithVectors());
    out.println(
        "Model            "
            + stats.model()
                .map(m -> m.name() + " (dimension " + m.dimension() + ", " + m.checkpointHash() + ")")
                .orElse("none: BM25 only"));
    out.println("Bytes            total          per page");
    store(out, "binary codes", stats.binaryCodes());
    store(out, "half vectors", stats.halfVectors());
    store(out, "page text", stats.pageText());
    store(out, "BM25 index", stats.textIndex());
    store(out, "page images", stats.images());
    store(out, "thumbnails", stats.thumbnails());
    out.printf(Locale.ROOT, "  %-14s %12s%n", "LMDB file", bytes(stats.pageStoreFileBytes()));
    out.printf(Locale.ROOT, "  %-14s %12s%n", "everything", bytes(stats.totalBytes()));
    out.println("OCR              " + ocrStatus);
  }

  private static void store(PrintWriter out, String name, IndexStats.StoreSize size) {
    out.printf(
        Locale.ROOT,
        "  %-14s %12s %14s%n",
        name,
        bytes(size.bytes()),
        bytes(Math.round(size.bytesPerPage())));
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String fileName(String path) {
    if (path == null || path.isEmpty()) {
      return "?";
    }
    Path p = Path.of(path).getFileName();
    return p == null ? path : p.toString();
  }

  static String oneLine(String text, int max) {
    if (text == null) {
      return "";
    }
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
  }
}
