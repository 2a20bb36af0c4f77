package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.ResponseFormat;
import dev.quire.tasks.TaskDefinition;
import dev.quire.tasks.TaskOutput;
import dev.quire.tasks.output.UnparseableOutputException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A document's fields as typed JSON. Each page is asked on its own, under the schema (the model
 * sees one page, copies what it shows, null for the rest), so every value has the page it came
 * from and the probability of its tokens; the pages' answers are then normalised and merged
 * (header fields from the first page that has them, lists concatenated in page order),
 * validated against the result schema and checked across fields.
 */
public final class ExtractTask implements TaskDefinition<ExtractTask.PageInput, ExtractTask.PageResult> {

  /** Answers of a page's worth of fields, with line items, fit comfortably. */
  static final int MAX_NEW_TOKENS = 1536;
  private static final int MAX_PAGE_TEXT = 6000;

  /**
   * The pages of one document, their text where known (text layer or OCR; "" when not), what
   * to extract, what the caller adds to the instructions (may be null), and whether EIN/SSN/TIN
   * values are given whole.
   */
  public record Input(List<BufferedImage> pages, List<String> pageTexts, ExtractionSchema schema,
      String prompt, boolean revealIdentifiers) {
    public Input {
      pages = List.copyOf(pages);
      if (pages.isEmpty()) {
        throw new IllegalArgumentException("extract needs at least one page");
      }
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < pages.size(); i++) {
        String text = pageTexts == null || i >= pageTexts.size() ? null : pageTexts.get(i);
        texts.add(text == null ? "" : text);
      }
      pageTexts = List.copyOf(texts);
    }
  }

  /** Page {@code page} (1-based) of a document. */
  public record PageInput(Input document, int page) {}

  /** One page's normalised answer (nulls kept), its values, and notes on reading it. */
  public record PageResult(int page, ObjectNode data, List<FieldValue> fields, List<String> warnings,
      long latencyNanos) {}

  @Override
  public String name() {
    return "extract";
  }

  @Override
  public JsonNode outputSchema(PageInput input) {
    return input.document().schema().answerSchema();
  }

  @Override
  public ChatRequest request(PageInput input) {
    Input doc = input.document();
    ExtractionSchema schema = doc.schema();
    StringBuilder text = new StringBuilder();
    text.append("This is page ").append(input.page()).append(" of ").append(doc.pages().size())
        .append(" of a document: ").append(schema.title()).append(" (").append(schema.docType())
        .append(").\nExtract these fields from this page as JSON:\n");
    fieldList(schema.schema(), text);
    text.append("Copy every value exactly as it is printed on this page (amounts with their currency"
        + " sign, dates as written). Use null for a field this page does not show and [] for a list"
        + " with no entries on it. Do not guess.");
    String pageText = doc.pageTexts().get(input.page() - 1);
    if (!pageText.isBlank()) {
      String cut = pageText.length() > MAX_PAGE_TEXT ? pageText.substring(0, MAX_PAGE_TEXT) + " …" : pageText;
      text.append("\nThe page's text, as its text layer or OCR reads it (may have errors):\n")
          .append(cut);
    }
    if (doc.prompt() != null && !doc.prompt().isBlank()) {
      text.append("\n").append(doc.prompt());
    }
    List<Map<String, Object>> parts = List.of(Map.of("type", "image"),
        Map.of("type", "text", "text", text.toString()));
    return new ChatRequest(List.of(Map.of("role", "user", "content", parts)),
        List.of(doc.pages().get(input.page() - 1)),
        new DecodingSettings(MAX_NEW_TOKENS, false, null, null, null, null, null, null, null, null,
            List.of(), List.of(), false, 0),
        Map.of(), ResponseFormat.jsonSchema(schema.answerSchema()));
  }

  private static void fieldList(JsonNode schema, StringBuilder out) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      JsonNode field = property.getValue();
      out.append("- ").append(property.getKey());
      List<String> notes = new ArrayList<>();
      if (field.has("description")) {
        notes.add(field.get("description").asText());
      }
      JsonNode item = field.path("items");
      if (item.path("properties").isObject()) {
        List<String> names = new ArrayList<>();
        item.get("properties").fieldNames().forEachRemaining(names::add);
        notes.add("each with " + String.join(", ", names));
      }
      if (!notes.isEmpty()) {
        out.append(": ").append(String.join("; ", notes));
      }
      out.append('\n');
    }
  }

  @Override
  public TaskOutput read(PageInput input, String answer) {
    return TaskOutput.read(answer, input.document().schema().answerConformance());
  }

  @Override
  public PageResult result(PageInput input, TaskOutput output, ChatCompletion completion) {
    Map<String, Double> probabilities = AnswerSpans.probabilities(completion.logprobs());
    List<FieldValue> fields = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String warning : output.warnings()) {
      warnings.add("page " + input.page() + ": " + warning);
    }
    JsonNode value = output.value();
    ObjectNode data = value instanceof ObjectNode object
        ? (ObjectNode) normalize(input, input.document().schema().schema(), object, "", probabilities,
            fields, warnings)
        : JsonNodeFactory.instance.objectNode();
    if (!(value instanceof ObjectNode)) {
      warnings.add("page " + input.page() + ": the answer is " + value.getNodeType() + ", not an object");
    }
    return new PageResult(input.page(), data, fields, warnings, completion.latencyNanos());
  }

  private static JsonNode normalize(PageInput input, JsonNode schema, JsonNode value, String path,
      Map<String, Double> probabilities, List<FieldValue> fields, List<String> warnings) {
    if (value == null || value.isNull()) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (schema.path("properties").isObject() && value instanceof ObjectNode object) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> property : schema.get("properties").properties()) {
        if (object.has(property.getKey())) {
          String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
          out.set(property.getKey(), normalize(input, property.getValue(), object.get(property.getKey()),
              child, probabilities, fields, warnings));
        }
      }
      return out;
    }
    if (schema.has("items") && value instanceof ArrayNode array) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < array.size(); i++) {
        out.add(normalize(input, schema.get("items"), array.get(i), path + "[" + i + "]",
            probabilities, fields, warnings));
      }
      return out;
    }
    Optional<FieldKind> kind = FieldKind.of(schema);
    JsonNode normalized = value;
    String currency = null;
    if (kind.isPresent()) {
      ValueNormalizer.Normalized read =
          ValueNormalizer.normalize(kind.get(), value, input.document().revealIdentifiers());
      if (!read.ok()) {
        warnings.add("page " + input.page() + ": " + path + ": " + read.problem());
      }
      normalized = read.value();
      currency = read.currency();
    }
    String printed = value.isTextual() ? value.asText() : value.toString();
    fields.add(new FieldValue(path, normalized, printed, probabilities.get(path), input.page(), currency));
    return normalized;
  }

  /**
   * Extracts {@code input}, page by page, from {@code generator}. A page whose answer holds no
   * JSON is reported and skipped; when no page has one, the first such failure is thrown.
   *
   * @throws UnparseableOutputException when no page's answer could be read
   */
  public Extraction extract(Generator generator, Input input) {
    long start = System.nanoTime();
    List<PageResult> pages = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    UnparseableOutputException first = null;
    for (int page = 1; page <= input.pages().size(); page++) {
      PageInput pageInput = new PageInput(input, page);
      ChatCompletion completion = generator.complete(request(pageInput));
      try {
        pages.add(result(pageInput, read(pageInput, completion.text()), completion));
      } catch (UnparseableOutputException e) {
        first = first == null ? e : first;
        failures.add("page " + page + ": no value in the model's answer (" + e.getMessage() + ")");
      }
    }
    if (pages.isEmpty()) {
      throw first;
    }
    Extraction merged = PageMerge.merge(input.schema(), pages, input.pages().size(),
        (System.nanoTime() - start) / 1_000_000);
    if (failures.isEmpty()) {
      return merged;
    }
    List<String> warnings = new ArrayList<>(failures);
    warnings.addAll(merged.warnings());
    return new Extraction(merged.docType(), merged.data(), merged.fields(), merged.pageCount(),
        merged.latencyMillis(), warnings);
  }
}
