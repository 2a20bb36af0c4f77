package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.ReaderConfig;
import dev.quire.tasks.DocumentPages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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

  /** Where a batch's documents come from: files and folders, or a search of an index. */
  static final class Inputs {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Documents: images, PDFs or folders of them.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--search", paramLabel = "QUERY",
        description = "Instead of files: the documents of the pages BM25 finds for QUERY in --index.")
    String search;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
        description = "With --search: at most N documents (default: ${DEFAULT-VALUE}).")
    int top;

    @picocli.CommandLine.Mixin IndexLocation location;

    void check(picocli.CommandLine commandLine) {
      if ((search == null) == files.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(commandLine,
            "give documents (files or folders) or --search QUERY, not both");
      }
      if (top < 1) {
        throw new picocli.CommandLine.ParameterException(commandLine, "--top must be at least 1");
      }
    }

    /** The record field that keys a document: its file, or its id in the index. */
    String keyField() {
      return search == null ? "file" : "document_id";
    }

    /** A task's CSV columns, led by the document id when the documents come from a search. */
    List<String> columns(List<String> taskColumns) {
      if (search == null) {
        return taskColumns;
      }
      List<String> out = new ArrayList<>(List.of("document_id"));
      out.addAll(taskColumns);
      return out;
    }

    /** The index a --search reads (BM25: no retrieval model is needed to pick documents); null without one. */
    dev.quire.Quire openIndex() throws IOException {
      if (search == null) {
        return null;
      }
      Reports.requireExistingIndex(location.directory);
      return dev.quire.Quire.open(location.config(), null);
    }
  }

  /** A document of the batch: its key in the output, what its records name, how to read it. */
  record Item(String key, ObjectNode identity, Loader loader) {}

  @FunctionalInterface
  interface Loader {
    DocumentPages load() throws Exception;
  }

  /** One document's records (a CSV row each); throws for a document that fails as a whole. */
  @FunctionalInterface
  interface Task {
    List<ObjectNode> run(DocumentPages pages) throws Exception;
  }

  /** The batch's documents, from the files or the search; {@code quire} is open for a search. */
  static List<Item> items(Inputs inputs, dev.quire.Quire quire) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Item> items = new ArrayList<>();
    if (inputs.search == null) {
      for (Path file : documents(inputs.files)) {
        items.add(new Item(file.toString(), json.createObjectNode().put("file", file.toString()),
            () -> read(file)));
      }
      return items;
    }
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    for (dev.quire.retrieval.SearchHit hit : quire.search(inputs.search, 100).hits()) {
      if (ids.size() < inputs.top) {
        ids.add(hit.documentId());
      }
    }
    for (String id : ids) {
      dev.quire.index.DocumentRecord document = quire.document(id).orElseThrow();
      items.add(new Item(id, json.createObjectNode().put("document_id", id).put("file", document.sourcePath()),
          () -> indexed(quire, document)));
    }
    return items;
  }

  /** A file's pages, with their text layer. */
  static DocumentPages read(Path file) throws Exception {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new IOException("cannot read " + file + ": no such file");
    }
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false))) {
      return DocumentPages.read(reader, file, Integer.MAX_VALUE);
    } catch (dev.quire.datasets.DocumentRejectedException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** An indexed document's stored page images and text. */
  private static DocumentPages indexed(dev.quire.Quire quire, dev.quire.index.DocumentRecord document)
      throws IOException {
    DocumentPages pages = DocumentPages.indexed(quire, document, Integer.MAX_VALUE);
    if (pages.images().isEmpty()) {
      throw new IOException("document " + document.documentId() + " has no stored page images");
    }
    return pages;
  }

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
  static int run(String taskName, List<Item> documents, Options options, List<String> csvColumns,
      String keyField, PrintWriter out, Task task) throws Exception {
    BatchOutput.Format format = BatchOutput.Format.parse(options.format);
    ObjectMapper json = new ObjectMapper();
    int failed = 0;
    try (BatchOutput output = options.output == null ? BatchOutput.stdout(format, csvColumns, keyField, out)
        : BatchOutput.file(format, csvColumns, keyField, out, options.output)) {
      List<Item> todo = documents.stream().filter(d -> !output.done().contains(d.key())).toList();
      boolean bar = !options.quiet && (options.output != null || documents.size() > 1);
      try (ProgressBar progress = bar ? ProgressBars.builder(taskName, documents.size(), " docs").build() : null) {
        if (progress != null) {
          progress.stepTo(documents.size() - todo.size());
        }
        for (Item document : todo) {
          if (progress != null) {
            String name = String.valueOf(Path.of(document.identity().path("file").asText(document.key())).getFileName());
            progress.setExtraMessage(name.length() <= 32 ? name : name.substring(0, 29) + "...");
          }
          List<ObjectNode> records;
          try {
            records = task.run(document.loader().load());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
          } catch (Exception e) {
            failed++;
            records = List.of(json.createObjectNode().put("error", QuireCli.describe(e)));
          }
          List<ObjectNode> keyed = new ArrayList<>();
          for (ObjectNode record : records) {
            ObjectNode withKey = document.identity().deepCopy();
            withKey.setAll(record);
            keyed.add(withKey);
          }
          output.append(document.key(), keyed);
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
