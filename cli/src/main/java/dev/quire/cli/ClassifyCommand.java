package dev.quire.cli;

import dev.quire.Quire;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import dev.quire.tasks.ClassificationJson;
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
    int failed;
    try (Quire quire = inputs.openIndex();
        Generators generators = Generators.open(List.of(
            new BackendSpec.Local("local", model.model, null, model.device, model.threads, 0)))) {
      List<DocumentBatch.Item> documents = DocumentBatch.items(inputs, quire);
      failed = DocumentBatch.run("Classifying", documents, batch, inputs.columns(COLUMNS), inputs.keyField(),
          spec.commandLine().getOut(), pages -> {
        ClassifyTask.Classification result = TaskRunner.run(task, generators.forModel(null),
            new ClassifyTask.Input(pages.images(), prompt));
        return List.of(ClassificationJson.of(result));
      });
    }
    return failed == 0 ? 0 : 1;
  }
}
