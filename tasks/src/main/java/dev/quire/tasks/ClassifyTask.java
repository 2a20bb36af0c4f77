package dev.quire.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.ResponseFormat;
import dev.quire.tasks.output.SchemaConformance;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What kind of document the pages are: one label of a fixed list (extensible in configuration),
 * with the model's reasoning. The answer's schema constrains the label to the list.
 */
public final class ClassifyTask implements TaskDefinition<ClassifyTask.Input, ClassifyTask.Classification> {

  public static final List<String> DEFAULT_LABELS = List.of("W2", "1099-INT", "1099-DIV",
      "1099-MISC", "1099-NEC", "1099-R", "1098", "bank_statement", "credit_card_statement",
      "invoice", "receipt", "check", "contract", "form", "report", "other");

  /** The pages of one document, and what the caller adds to the instructions (may be null). */
  public record Input(List<BufferedImage> pages, String prompt) {
    public Input {
      pages = List.copyOf(pages);
      if (pages.isEmpty()) {
        throw new IllegalArgumentException("classify needs at least one page");
      }
    }
  }

  /** The label, the model's reasoning, and notes on how its answer was read. */
  public record Classification(String type, String reasoning, int pageCount, long latencyMillis,
      List<String> warnings) {
    public Classification {
      warnings = List.copyOf(warnings);
    }
  }

  private final List<String> labels;
  private final JsonNode schema;
  private final SchemaConformance conformance;

  public ClassifyTask(List<String> labels) {
    if (labels.isEmpty() || !labels.contains("other")) {
      throw new IllegalArgumentException("the labels must include 'other', got " + labels);
    }
    this.labels = List.copyOf(labels);
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode s = f.objectNode();
    s.put("type", "object");
    s.put("additionalProperties", false);
    ObjectNode properties = s.putObject("properties");
    properties.putObject("reasoning").put("type", "string").put("maxLength", 600);
    ObjectNode type = properties.putObject("type");
    labels.forEach(type.putArray("enum")::add);
    s.putArray("required").add("reasoning").add("type");
    this.schema = s;
    this.conformance = new SchemaConformance(s);
  }

  @Override
  public String name() {
    return "classify";
  }

  public List<String> labels() {
    return labels;
  }

  @Override
  public JsonNode outputSchema() {
    return schema;
  }

  @Override
  public ChatRequest request(Input input) {
    List<Map<String, Object>> parts = new ArrayList<>();
    for (int i = 0; i < input.pages().size(); i++) {
      parts.add(Map.of("type", "image"));
    }
    String instructions = "Classify this document (" + input.pages().size() + " page"
        + (input.pages().size() == 1 ? "" : "s") + ") as exactly one of: " + String.join(", ", labels)
        + ". Answer with JSON: {\"reasoning\": \"one or two sentences\", \"type\": \"<label>\"}."
        + (input.prompt() == null || input.prompt().isBlank() ? "" : "\n" + input.prompt());
    parts.add(Map.of("type", "text", "text", instructions));
    return new ChatRequest(List.of(Map.of("role", "user", "content", parts)), input.pages(),
        new DecodingSettings(400, false, null, null, null, null, null, null, null, null, List.of(),
            List.of(), false, 5),
        Map.of(), ResponseFormat.jsonSchema(schema));
  }

  @Override
  public Classification result(Input input, TaskOutput output, long latencyMillis) {
    String type = output.value().path("type").asText("");
    List<String> warnings = new ArrayList<>(output.warnings());
    if (!labels.contains(type)) {
      warnings.add("the model's label '" + type + "' is not one of the labels: classified as other");
      type = "other";
    }
    return new Classification(type, output.value().path("reasoning").asText(""),
        input.pages().size(), latencyMillis, warnings);
  }

  /** Reads a model's answer with this task's schema. */
  public TaskOutput read(String answer) {
    return TaskOutput.read(answer, conformance);
  }
}
