package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.TaskRunner;
import dev.quire.tasks.output.UnparseableOutputException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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
      "One JSON record per file: type, confidence (the label's token probability), reasoning."
    })
final class ClassifyCommand implements Callable<Integer> {

  @Mixin GenerationModelOptions model;

  @Option(names = "--labels", paramLabel = "A,B,...", split = ",",
      description = "The labels to choose from (must include other; default: the built-in list).")
  List<String> labels;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Added to the instructions.")
  String prompt;

  @Option(names = "--format", paramLabel = "jsonl|json", defaultValue = "jsonl",
      description = "One record per line (default) or one JSON array.")
  String format;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Documents: images or PDFs.")
  List<Path> files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (model.model == null) {
      throw new ParameterException(spec.commandLine(),
          "quire classify needs --model DIR (or $QUIRE_GENERATION_MODEL)");
    }
    if (!format.equals("jsonl") && !format.equals("json")) {
      throw new ParameterException(spec.commandLine(), "--format is jsonl or json, not " + format);
    }
    ClassifyTask task = new ClassifyTask(labels == null ? ClassifyTask.DEFAULT_LABELS : labels);
    ObjectMapper json = new ObjectMapper();
    PrintWriter out = spec.commandLine().getOut();
    ArrayNode all = json.createArrayNode();
    int failed = 0;
    try (Generators generators = Generators.open(List.of(
        new BackendSpec.Local("local", model.model, null, model.device, model.threads, 0)))) {
      for (Path file : files) {
        ObjectNode record = json.createObjectNode();
        record.put("file", file.toString());
        try {
          List<BufferedImage> pages = GenerateCommand.readImages(List.of(file));
          ClassifyTask.Classification result = TaskRunner.run(task, generators.forModel(null),
              new ClassifyTask.Input(pages, prompt));
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
        } catch (IOException | UnparseableOutputException | IllegalArgumentException e) {
          failed++;
          record.put("error", QuireCli.describe(e));
        }
        if (format.equals("jsonl")) {
          out.println(record);
          out.flush();
        } else {
          all.add(record);
        }
      }
    }
    if (format.equals("json")) {
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
