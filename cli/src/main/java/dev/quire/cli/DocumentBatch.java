package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.ReaderConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Option;

/**
 * A document task over files and folders (walked for documents), one document at a time, into
 * a {@link BatchOutput}: standard output, or with {@code --output} a file that a rerun after
 * kill -9 resumes. A document that fails is a record with its error; the others go on.
 */
final class DocumentBatch {

  /** The options every batch command shares. */
  static final class Options {
    @Option(names = "--format", paramLabel = "jsonl|json|csv", defaultValue = "jsonl",
        description = "A record per line (default), one JSON array, or CSV rows.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Append the records to FILE (jsonl or csv); a rerun skips the documents"
            + " it holds, so an interrupted batch resumes.")
    Path output;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    /** Refuses a format or output that cannot work, before any model is loaded. */
    void check(picocli.CommandLine commandLine) {
      try {
        BatchOutput.Format parsed = BatchOutput.Format.parse(format);
        if (output != null && parsed == BatchOutput.Format.JSON) {
          throw new IllegalArgumentException("--output writes jsonl or csv (a record per document,"
              + " resumable); --format json is one array, for standard output");
        }
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(commandLine, e.getMessage());
      }
    }
  }

  /** One document's records (a CSV row each); throws for a document that fails as a whole. */
  @FunctionalInterface
  interface Task {
    List<ObjectNode> run(Path file) throws Exception;
  }

  private DocumentBatch() {}

  /**
   * The documents under {@code inputs}, in walk order (absolute paths); an input that does not
   * exist stays, to be reported as its own failed record.
   */
  static List<Path> documents(List<Path> inputs) throws IOException {
    java.util.LinkedHashSet<Path> files = new java.util.LinkedHashSet<>();
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false))) {
      for (Path input : inputs) {
        if (!java.nio.file.Files.exists(input)) {
          files.add(input.toAbsolutePath().normalize());
          continue;
        }
        for (Path file : reader.discover(List.of(input))) {
          files.add(file.toAbsolutePath().normalize());
        }
      }
    }
    return List.copyOf(files);
  }

  /**
   * Runs {@code task} on every document not already in the output.
   *
   * @return how many documents failed
   */
  static int run(String taskName, List<Path> documents, Options options, List<String> csvColumns,
      PrintWriter out, Task task) throws Exception {
    BatchOutput.Format format = BatchOutput.Format.parse(options.format);
    ObjectMapper json = new ObjectMapper();
    int failed = 0;
    try (BatchOutput output = options.output == null ? BatchOutput.stdout(format, csvColumns, out)
        : BatchOutput.file(format, csvColumns, out, options.output)) {
      List<Path> todo = documents.stream().filter(d -> !output.done().contains(d.toString())).toList();
      boolean bar = !options.quiet && (options.output != null || documents.size() > 1);
      try (ProgressBar progress = bar ? new ProgressBarBuilder().setTaskName(taskName)
          .setInitialMax(documents.size()).setUnit(" docs", 1).setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(200).continuousUpdate().build() : null) {
        if (progress != null) {
          progress.stepTo(documents.size() - todo.size());
        }
        for (Path document : todo) {
          if (progress != null) {
            String name = String.valueOf(document.getFileName());
            progress.setExtraMessage(name.length() <= 32 ? name : name.substring(0, 29) + "...");
          }
          List<ObjectNode> records;
          try {
            records = task.run(document);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
          } catch (Exception e) {
            failed++;
            records = List.of(json.createObjectNode().put("error", QuireCli.describe(e)));
          }
          List<ObjectNode> keyed = new ArrayList<>();
          for (ObjectNode record : records) {
            ObjectNode withFile = json.createObjectNode().put("file", document.toString());
            withFile.setAll(record);
            keyed.add(withFile);
          }
          output.append(document.toString(), keyed);
          if (progress != null) {
            progress.step();
          }
        }
      }
      output.finish();
      if (options.output != null) {
        out.println(taskName + ": " + todo.size() + " documents done"
            + (todo.size() < documents.size() ? ", " + (documents.size() - todo.size())
                + " already in " + options.output : "")
            + (failed > 0 ? ", " + failed + " failed" : "") + " -> " + options.output);
      }
    }
    out.flush();
    return failed;
  }
}
