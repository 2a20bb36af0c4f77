package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.quire.tasks.output.SchemaConformance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What to extract: a JSON Schema of the result (a built-in one per document type, from the
 * resources, or the caller's), and the schema of the model's answer derived from it. The model
 * copies values as printed (every field present, null when the page lacks it, amounts and dates
 * as text), so the answer schema relaxes typed fields to strings and drops constraints guided
 * decoding cannot follow (patterns, bounds, formats); the result is then normalised
 * ({@link ValueNormalizer}) and validated against the full result schema.
 */
public final class ExtractionSchema {

  /** The document types with a built-in schema, as the classify labels name them. */
  public static final List<String> BUILT_IN = List.of("W2", "1099-INT", "1099-DIV", "1099-MISC",
      "1099-NEC", "1099-R", "1098", "bank_statement", "credit_card_statement", "invoice",
      "receipt", "check", "contract");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Set<String> LEAF_TYPES = Set.of("string", "number", "integer", "boolean");

  private final String docType;
  private final JsonNode schema;
  private final JsonNode answerSchema;
  private final SchemaConformance answerConformance;
  private final Schema validator;

  private ExtractionSchema(String docType, JsonNode schema) {
    this.docType = docType;
    this.schema = schema;
    this.answerSchema = answer(schema, "$");
    // a key the model left out reads as null: only the request asks for every one
    this.answerConformance = new SchemaConformance(withoutRequired(answerSchema.deepCopy()));
    // Quire's own keyword guides normalisation; the validator need not hear of it
    this.validator = REGISTRY.getSchema(withoutKind(schema.deepCopy()).toString());
  }

  /** The built-in schema of {@code docType} (case-insensitive, "W-2" reads as "W2"). */
  public static ExtractionSchema builtIn(String docType) {
    String type = canonicalType(docType)
        .orElseThrow(() -> new IllegalArgumentException("no built-in extraction schema for doc_type '"
            + docType + "'; built in: " + String.join(", ", BUILT_IN) + " (or pass a schema)"));
    String resource = "schemas/" + type + ".json";
    try (InputStream in = ExtractionSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the built-in schema " + resource + " is missing from the jar");
      }
      return new ExtractionSchema(type, JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the built-in schema " + resource, e);
    }
  }

  /** The built-in type {@code docType} names, if any. */
  public static Optional<String> canonicalType(String docType) {
    if (docType == null) {
      return Optional.empty();
    }
    String wanted = docType.strip().replaceAll("(?i)^w-2$", "W2");
    return BUILT_IN.stream().filter(t -> t.equalsIgnoreCase(wanted)).findFirst();
  }

  /**
   * The caller's schema: it must be valid JSON Schema (2020-12, checked against the
   * meta-schema) describing an object with properties.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static ExtractionSchema custom(String docType, JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      throw new IllegalArgumentException("the extraction schema must be a JSON object (a JSON Schema)");
    }
    Schema meta = REGISTRY.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    List<Error> errors = meta.validate(schema);
    if (!errors.isEmpty()) {
      Error first = errors.getFirst();
      throw new IllegalArgumentException("the extraction schema is not valid JSON Schema: "
          + first.getInstanceLocation() + ": " + first.getMessage());
    }
    if (!schema.path("properties").isObject() || schema.get("properties").isEmpty()) {
      throw new IllegalArgumentException("the extraction schema must describe an object with"
          + " properties (the fields to extract)");
    }
    return new ExtractionSchema(docType == null || docType.isBlank() ? "custom" : docType, schema);
  }

  public String docType() {
    return docType;
  }

  /** The result's schema: what {@code data} conforms to. */
  public JsonNode schema() {
    return schema;
  }

  /** What the model is asked to write (every field, null where absent, typed fields as text). */
  public JsonNode answerSchema() {
    return answerSchema;
  }

  SchemaConformance answerConformance() {
    return answerConformance;
  }

  /** Where {@code data} breaks the result schema, each with its location. */
  public List<String> violations(JsonNode data) {
    List<String> out = new ArrayList<>();
    for (Error error : validator.validate(data)) {
      out.add(error.getInstanceLocation() + ": " + error.getMessage());
    }
    return out;
  }

  /** The document's title in the schema, else its type. */
  public String title() {
    return schema.path("title").asText(docType);
  }

  private static JsonNode answer(JsonNode node, String path) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isBoolean()) {
      return node;
    }
    if (node.has("$ref")) {
      throw new IllegalArgumentException("the extraction schema at " + path + " uses $ref; inline"
          + " the referenced schema");
    }
    ObjectNode out = f.objectNode();
    if (node.has("description")) {
      out.set("description", node.get("description"));
    }
    if (FieldKind.of(node).isPresent()) {
      // copied as printed, read by ValueNormalizer
      out.putArray("type").add("string").add("null");
      return out;
    }
    if (node.has("const") || node.has("enum")) {
      ArrayNode values = out.putArray("enum");
      if (node.has("const")) {
        values.add(node.get("const"));
      } else {
        node.get("enum").forEach(values::add);
      }
      values.add(f.nullNode());
      return out;
    }
    if (node.has("anyOf") || node.has("oneOf")) {
      ArrayNode options = out.putArray("anyOf");
      String keyword = node.has("anyOf") ? "anyOf" : "oneOf";
      for (int i = 0; i < node.get(keyword).size(); i++) {
        options.add(answer(node.get(keyword).get(i), path + "." + keyword + "[" + i + "]"));
      }
      options.addObject().put("type", "null");
      return out;
    }
    List<String> types = new ArrayList<>();
    JsonNode type = node.path("type");
    if (type.isTextual()) {
      types.add(type.asText());
    } else if (type.isArray()) {
      type.forEach(t -> types.add(t.asText()));
    } else if (node.has("properties")) {
      types.add("object");
    } else if (node.has("items")) {
      types.add("array");
    }
    if (types.contains("object") && node.path("properties").isObject()) {
      out.put("type", "object");
      out.put("additionalProperties", false);
      ObjectNode properties = out.putObject("properties");
      ArrayNode required = out.putArray("required");
      for (Map.Entry<String, JsonNode> p : node.get("properties").properties()) {
        properties.set(p.getKey(), answer(p.getValue(), path + "." + p.getKey()));
        required.add(p.getKey());
      }
      return out;
    }
    if (types.contains("array")) {
      out.put("type", "array");
      if (node.has("items")) {
        out.set("items", answer(node.get("items"), path + "[]"));
      }
      if (node.has("maxItems")) {
        out.set("maxItems", node.get("maxItems"));
      }
      return out;
    }
    ArrayNode allowed = out.putArray("type");
    for (String t : types) {
      if (LEAF_TYPES.contains(t)) {
        allowed.add(t);
      }
    }
    if (allowed.isEmpty()) {
      // no type, or an object without properties: any value the model finds
      out.remove("type");
      return out;
    }
    allowed.add("null");
    if (types.contains("string") && node.has("maxLength")) {
      out.set("maxLength", node.get("maxLength"));
    }
    return out;
  }

  private static JsonNode withoutKind(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(FieldKind.KEYWORD);
      object.forEach(ExtractionSchema::withoutKind);
    } else if (node instanceof ArrayNode array) {
      array.forEach(ExtractionSchema::withoutKind);
    }
    return node;
  }

  private static JsonNode withoutRequired(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove("required");
      object.forEach(ExtractionSchema::withoutRequired);
    } else if (node instanceof ArrayNode array) {
      array.forEach(ExtractionSchema::withoutRequired);
    }
    return node;
  }
}
