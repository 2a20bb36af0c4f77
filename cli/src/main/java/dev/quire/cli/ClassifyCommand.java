package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.Quire;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.TaskRunner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Classifies documents with a Qwen3-VL instruct model: each file (an image, or a PDF's pages) is
 * one document, classified once; one JSON record per document. A file that cannot be read or an
 * answer that cannot be read is a record with its error, and the rest go on.
 */
@Command(
    name = "classify",
    description = {
      "Classify documents (images or PDFs) as W2, 1099-INT, ..., invoice, receipt, ..., other.",
      "One record per document: type, confidence (the label's token probability), reasoning.",
      "Folders are walked; with --output FILE an interrupted batch resumes where it stopped."
    })
final class ClassifyCommand implements Callable<Integer> {

  /** The index a --search reads (BM25: no retrieval model is needed to pick documents). */
  static Quire openIndex(DocumentBatch.Inputs inputs) throws java.io.IOException {
    Reports.requireExistingIndex(inputs.location.directory);
    return Quire.open(inputs.location.config(), null);
  }

  static final List<String> COLUMNS = List.of("file", "type", "confidence", "reasoning", "page_count",
      "latency_ms", "warnings", "error");

  @Mixin GenerationModelOptions model;

  @Option(names = "--labels", paramLabel = "A,B,...", split = ",",
      description = "The labels to choose from (must include other; default: the built-in list).")
  List<String> labels;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Added to the instructions.")
  String prompt;

  @Mixin DocumentBatch.Options batch;

  @Mixin DocumentBatch.Inputs inputs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (model.model == null) {
      throw new ParameterException(spec.commandLine(),
          "quire classify needs --model DIR (or $QUIRE_GENERATION_MODEL)");
    }
    batch.check(spec.commandLine());
    inputs.check(spec.commandLine());
    ClassifyTask task = new ClassifyTask(labels == null ? ClassifyTask.DEFAULT_LABELS : labels);
    ObjectMapper json = new ObjectMapper();
    int failed;
    try (Quire quire = inputs.search == null ? null : openIndex(inputs);
        Generators generators = Generators.open(List.of(
            new BackendSpec.Local("local", model.model, null, model.device, model.threads, 0)))) {
      List<DocumentBatch.Item> documents = DocumentBatch.items(inputs, quire);
      List<String> columns = inputs.search == null ? COLUMNS
          : java.util.stream.Stream.concat(java.util.stream.Stream.of("document_id"), COLUMNS.stream()).toList();
      failed = DocumentBatch.run("Classifying", documents, batch, columns, inputs.keyField(),
          spec.commandLine().getOut(), pages -> {
        ClassifyTask.Classification result = TaskRunner.run(task, generators.forModel(null),
            new ClassifyTask.Input(pages.images(), prompt));
        ObjectNode record = json.createObjectNode();
        record.put("type", result.type());
        if (result.confidence() != null) {
          record.put("confidence", Math.round(result.confidence() * 10_000) / 10_000.0);
        } else {
          record.putNull("confidence");
        }
        record.put("reasoning", result.reasoning());
        record.put("page_count", result.pageCount());
        record.put("latency_ms", result.latencyMillis());
        ArrayNode warnings = record.putArray("warnings");
        result.warnings().forEach(warnings::add);
        return List.of(record);
      });
    }
    return failed == 0 ? 0 : 1;
  }
}
