package dev.quire.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatLogprob;
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

  /** The pages shown: a document's type shows on its first pages. */
  public static final int MAX_PAGES = 3;

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

  /**
   * The label, how sure the model was of it (the probability of the label's tokens among the
   * labels the schema allowed; null when the backend gave no token probabilities), the model's
   * reasoning, and notes on how its answer was read.
   */
  public record Classification(String type, Double confidence, String reasoning, int pageCount,
      long latencyMillis, List<String> warnings) {
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
  public JsonNode outputSchema(Input input) {
    return schema;
  }

  @Override
  public ChatRequest request(Input input) {
    List<Map<String, Object>> parts = new ArrayList<>();
    List<BufferedImage> shown = new ArrayList<>();
    for (BufferedImage page : input.pages().subList(0, Math.min(MAX_PAGES, input.pages().size()))) {
      parts.add(Map.of("type", "image"));
      shown.add(PromptImages.fit(page, PromptImages.GIST_PIXELS));
    }
    int n = input.pages().size();
    String pages = n == 1 ? "1 page" : n <= MAX_PAGES ? n + " pages" : n + " pages, the first " + MAX_PAGES + " shown";
    String instructions = "Classify this document (" + pages + ") as exactly one of: " + String.join(", ", labels)
        + ". Answer with JSON: {\"reasoning\": \"one or two sentences\", \"type\": \"<label>\"}."
        + (input.prompt() == null || input.prompt().isBlank() ? "" : "\n" + input.prompt());
    parts.add(Map.of("type", "text", "text", instructions));
    return new ChatRequest(List.of(Map.of("role", "user", "content", parts)), shown,
        new DecodingSettings(400, false, null, null, null, null, null, null, null, null, List.of(),
            List.of(), false, 5),
        Map.of(), ResponseFormat.jsonSchema(schema));
  }

  @Override
  public Classification result(Input input, TaskOutput output, ChatCompletion completion) {
    String type = output.value().path("type").asText("");
    List<String> warnings = new ArrayList<>(output.warnings());
    Double confidence = labelProbability(completion.logprobs(), type, labels);
    if (!labels.contains(type)) {
      warnings.add("the model's label '" + type + "' is not one of the labels: classified as other");
      type = "other";
      confidence = null;
    }
    return new Classification(type, confidence, output.value().path("reasoning").asText(""),
        input.pages().size(), completion.latencyNanos() / 1_000_000, warnings);
  }

  /**
   * The probability the model gave {@code label} where it wrote it: the product of the tokens
   * that spell it after the "type" key, each under the distribution it was drawn from (with the
   * schema's mask, the labels' share); null when the answer's tokens are not known. A backend
   * that drew from the raw distribution (a remote server: its drawn and raw log-probabilities
   * agree) reports the alternatives of the label's first token: that token's probability is then
   * taken as its share among the alternatives that begin a label, as the mask would have made it.
   */
  static Double labelProbability(List<ChatLogprob> tokens, String label) {
    return labelProbability(tokens, label, List.of(label));
  }

  static Double labelProbability(List<ChatLogprob> tokens, String label, List<String> labels) {
    if (tokens.isEmpty() || label.isEmpty()) {
      return null;
    }
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    int[] ends = new int[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      text.writeBytes(tokens.get(i).bytes());
      ends[i] = text.size();
    }
    String written = new String(text.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
    int key = written.lastIndexOf("\"type\"");
    if (key < 0) {
      return null;
    }
    String latin = latin(label);
    int from = written.indexOf("\"" + latin + "\"", key + 6);
    if (from < 0) {
      return null;
    }
    int start = from + 1;
    int end = start + latin.length();
    double logprob = 0;
    int previousEnd = 0;
    boolean first = true;
    for (int i = 0; i < tokens.size(); i++) {
      // a token that holds any byte of the label counts
      if (ends[i] > start && previousEnd < end) {
        ChatLogprob token = tokens.get(i);
        if (first && token.drawnLogprob() == token.logprob() && !token.top().isEmpty()) {
          logprob += Math.log(labelShare(token, written.substring(previousEnd, start), labels));
        } else {
          logprob += token.drawnLogprob();
        }
        first = false;
      }
      previousEnd = ends[i];
    }
    return Math.exp(logprob);
  }

  /**
   * The chosen token's probability among its alternatives that could begin a label: those that
   * repeat what precedes the label in the token ({@code before}, e.g. the opening quote) and go
   * on with the start of some label.
   */
  private static double labelShare(ChatLogprob chosen, String before, List<String> labels) {
    double total = 0;
    boolean chosenListed = false;
    for (ChatLogprob alternative : chosen.top()) {
      String bytes = new String(alternative.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
      if (!bytes.startsWith(before)) {
        continue;
      }
      String rest = bytes.substring(before.length());
      boolean begins = false;
      for (String label : labels) {
        String l = latin(label) + "\"";
        begins |= !rest.isEmpty() && (l.startsWith(rest) || rest.startsWith(l));
      }
      if (begins) {
        total += Math.exp(alternative.logprob());
        chosenListed |= java.util.Arrays.equals(alternative.bytes(), chosen.bytes());
      }
    }
    double p = Math.exp(chosen.logprob());
    if (!chosenListed) {
      total += p;
    }
    return total <= 0 ? p : p / total;
  }

  private static String latin(String label) {
    return new String(label.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Reads a model's answer with this task's schema. */
  @Override
  public TaskOutput read(Input input, String answer) {
    return TaskOutput.read(answer, conformance);
  }
}
