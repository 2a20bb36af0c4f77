package dev.quire.cli;

import dev.quire.Quire;
import dev.quire.QuireConfig;
import dev.quire.datasets.DocumentIdMode;
import dev.quire.datasets.ReaderConfig;
import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.indexing.IndexReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "index",
    description = {
      "Index PDFs and images (files or folders, walked recursively).",
      "Unchanged documents are skipped, changed ones replaced; an interrupted run resumes."
    })
final class IndexCommand implements Callable<Integer> {

  @Mixin IndexLocation location;

  @Mixin ModelOptions model;

  @Mixin TextModelOption text;

  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Files or folders to index.")
  List<Path> paths = new java.util.ArrayList<>();

  @Option(names = "--reembed-text",
      description = "Give the indexed pages that lack them text vectors (with --text-model): an index"
          + " built without a text model gains the dense and hybrid first stages. Resumable.")
  boolean reembedText;

  @Option(
      names = "--id-from",
      paramLabel = "path|content",
      defaultValue = "path",
      description =
          "Document identity: the file's absolute path (default), or its content hash so that"
              + " identical files are one document.")
  DocumentIdMode idMode;

  @Option(
      names = "--max-dpi",
      paramLabel = "DPI",
      description =
          "Upper bound on the DPI PDF pages are rendered at; pages are sized for the model's"
              + " pixel budget below it.")
  Integer maxDpi;

  @Option(names = "--no-ocr", description = "Do not OCR pages that have no text layer.")
  boolean noOcr;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Spec CommandSpec spec;

  private int reembed() throws Exception {
    Reports.requireExistingIndex(location.directory);
    PrintWriter out = spec.commandLine().getOut();
    try (dev.quire.textembedding.TextEmbedder textEmbedder = text.open()) {
      if (textEmbedder == null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--reembed-text needs --text-model bge-small or a BGE-M3 folder");
      }
      try (Quire quire = Quire.open(location.config(), null, textEmbedder);
          me.tongfei.progressbar.ProgressBar bar = quiet ? null : ProgressBars.builder("Embedding text", quire.documents().size(), " docs").build()) {
        int pages = quire.reembedText((done, total) -> {
          if (bar != null) {
            bar.stepTo(done);
          }
        });
        if (bar != null) {
          bar.close();
        }
        out.println("Embedded the text of " + pages + " pages that had none (" + textEmbedder.info().name() + ")");
        return 0;
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    if (reembedText) {
      return reembed();
    }
    if (paths.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "quire index needs files or folders to index (or --reembed-text)");
    }
    QuireConfig config = location.config();
    ReaderConfig defaults = config.reader();
    ReaderConfig reader =
        new ReaderConfig(
            maxDpi != null ? maxDpi : defaults.maxDpi(),
            defaults.targetPixels(),
            defaults.maxImagePixels(),
            defaults.maxPagesPerDocument(),
            idMode,
            !noOcr && defaults.ocr());
    PrintWriter out = spec.commandLine().getOut();
    try (ColQwen3Encoder encoder = model.open();
        dev.quire.textembedding.TextEmbedder textEmbedder = text.open();
        Quire quire = Quire.open(config.withReader(reader)
            .withIndex(config.index().withQuantizedTextVectors(text.quantized())), encoder, textEmbedder);
        IndexProgress progress = new IndexProgress(quiet)) {
      IndexReport report = quire.index(paths, progress);
      progress.close();
      Reports.printIndexReport(out, report, location.directory);
      return report.indexed().isEmpty() && report.unchanged().isEmpty() && !report.skipped().isEmpty()
          ? 2
          : 0;
    }
  }
}
