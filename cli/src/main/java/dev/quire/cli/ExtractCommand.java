package dev.quire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.Generators;
import dev.quire.tasks.ClassifyTask;
import dev.quire.tasks.TaskRunner;
import dev.quire.tasks.extract.ExtractTask;
import dev.quire.tasks.extract.Extraction;
import dev.quire.tasks.extract.ExtractionJson;
import dev.quire.tasks.extract.ExtractionSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Extracts documents' fields as typed JSON with a Qwen3-VL instruct model: each file (an image,
 * or a PDF's pages with their text layer) is one document; one JSON record per document in the
 * HTTP API's shape. Without --doc-type or --schema a document is classified first and extracted
 * with its type's built-in schema.
 */
@Command(
    name = "extract",
    description = {
      "Extract fields from documents (images or PDFs) as typed JSON: per field value, confidence",
      "(token probabilities) and source page; values normalised; cross-field checks as warnings.",
      "quire extract --emit-schema TYPE prints a built-in schema (" + "W2, 1099-INT, ..., invoice)."
    })
final class ExtractCommand implements Callable<Integer> {

  static final List<String> COLUMNS = List.of("file", "doc_type", "path", "value", "printed",
      "confidence", "page", "currency", "error");

  @Mixin GenerationModelOptions model;

  @Option(names = "--doc-type", paramLabel = "TYPE",
      description = "The document type whose built-in schema to use (default: classify first).")
  String docType;

  @Option(names = "--schema", paramLabel = "FILE",
      description = "A JSON Schema file of the fields to extract, instead of a built-in one.")
  Path schemaFile;

  @Option(names = "--emit-schema", paramLabel = "TYPE",
      description = "Print the built-in schema of TYPE and exit.")
  String emitSchema;

  @Option(names = "--reveal-identifiers",
      description = "Give EIN/SSN/TIN values whole (masked to the last four digits by default).")
  boolean revealIdentifiers;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Added to the instructions.")
  String prompt;

  @Mixin DocumentBatch.Options batch;

  @Mixin DocumentBatch.Inputs inputs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ObjectMapper json = new ObjectMapper();
    PrintWriter out = spec.commandLine().getOut();
    if (emitSchema != null) {
      try {
        out.println(json.writerWithDefaultPrettyPrinter()
            .writeValueAsString(ExtractionSchema.builtIn(emitSchema).schema()));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      out.flush();
      return 0;
    }
    if (inputs.files.isEmpty() && inputs.search == null) {
      throw new ParameterException(spec.commandLine(), "quire extract needs at least one FILE, --search QUERY,"
          + " or --emit-schema TYPE");
    }
    inputs.check(spec.commandLine());
    if (model.model == null) {
      throw new ParameterException(spec.commandLine(),
          "quire extract needs --model DIR (or $QUIRE_GENERATION_MODEL)");
    }
    batch.check(spec.commandLine());
    boolean csv = BatchOutput.Format.parse(batch.format) == BatchOutput.Format.CSV;
    ExtractionSchema fixed = fixedSchema(json);
    ExtractTask task = new ExtractTask();
    ClassifyTask classify = new ClassifyTask(ClassifyTask.DEFAULT_LABELS);
    int failed;
    try (dev.quire.Quire quire = inputs.openIndex();
        Generators generators = Generators.open(List.of(
            new BackendSpec.Local("local", model.model, null, model.device, model.threads, 0)))) {
      Generator generator = generators.forModel(null);
      List<DocumentBatch.Item> documents = DocumentBatch.items(inputs, quire);
      failed = DocumentBatch.run("Extracting", documents, batch, inputs.columns(COLUMNS), inputs.keyField(),
          spec.commandLine().getOut(), document -> {
        ExtractionSchema schema = fixed;
        if (schema == null) {
          ClassifyTask.Classification type = TaskRunner.run(classify, generator,
              new ClassifyTask.Input(document.images(), null));
          schema = ExtractionSchema.canonicalType(type.type()).map(ExtractionSchema::builtIn)
              .orElseThrow(() -> new IllegalArgumentException("classified as '" + type.type()
                  + "', which has no built-in schema: pass --doc-type or --schema"));
        }
        Extraction result = task.extract(generator, new ExtractTask.Input(document.images(),
            document.texts(), schema, prompt, revealIdentifiers));
        return csv ? rows(json, result) : List.of(ExtractionJson.of(result));
      });
    }
    return failed == 0 ? 0 : 1;
  }

  /** CSV: a row per value (long format), or one row for a document with none. */
  private static List<ObjectNode> rows(ObjectMapper json, Extraction result) {
    List<ObjectNode> rows = new ArrayList<>();
    for (var field : result.fields()) {
      ObjectNode row = json.createObjectNode();
      row.put("doc_type", result.docType());
      row.put("path", field.path());
      row.set("value", field.value());
      row.put("printed", field.printed());
      if (field.confidence() != null) {
        row.put("confidence", field.confidence());
      }
      row.put("page", field.page());
      row.put("currency", field.currency());
      rows.add(row);
    }
    if (rows.isEmpty()) {
      rows.add(json.createObjectNode().put("doc_type", result.docType()));
    }
    return rows;
  }

  private ExtractionSchema fixedSchema(ObjectMapper json) {
    if (schemaFile != null && docType != null && ExtractionSchema.canonicalType(docType).isPresent()) {
      throw new ParameterException(spec.commandLine(), "--doc-type names a built-in schema: give it or --schema, not both");
    }
    try {
      if (schemaFile != null) {
        JsonNode schema = json.readTree(Files.readString(schemaFile));
        return ExtractionSchema.custom(docType, schema);
      }
      return docType == null ? null : ExtractionSchema.builtIn(docType);
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), (schemaFile != null ? schemaFile + ": " : "")
          + QuireCli.describe(e));
    }
  }
}
