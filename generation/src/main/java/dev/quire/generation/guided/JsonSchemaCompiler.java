package dev.quire.generation.guided;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema to the {@link SchemaNode} subset guided decoding follows. Keywords outside the
 * subset are refused naming the keyword and where it is, never ignored: a schema whose
 * constraints were dropped would let invalid answers through. Annotations (title, description,
 * default, examples, $schema, $id, $comment) are read past.
 */
public final class JsonSchemaCompiler {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default",
      "examples", "$schema", "$id", "$comment", "deprecated", "readOnly", "writeOnly");
  private static final Set<String> KEYWORDS = Set.of("type", "properties", "required",
      "additionalProperties", "items", "minItems", "maxItems", "enum", "const", "maxLength",
      "anyOf");

  private JsonSchemaCompiler() {}

  public static SchemaNode compile(JsonNode schema) {
    return compile(schema, "$");
  }

  /** {@code {"type": "json_object"}}: any JSON object. */
  public static SchemaNode anyObject() {
    return new SchemaNode.AnyObjectNode();
  }

  private static SchemaNode compile(JsonNode schema, String path) {
    if (schema.isBoolean()) {
      if (schema.asBoolean()) {
        return new SchemaNode.AnyValueNode();
      }
      throw unsupported(path, "the schema false allows no value");
    }
    if (!schema.isObject()) {
      throw unsupported(path, "a schema is an object");
    }
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String keyword = it.next();
      if (!KEYWORDS.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
        throw unsupported(path, "keyword '" + keyword + "' is outside the supported subset (type,"
            + " properties, required, additionalProperties: false, items, minItems, maxItems, enum,"
            + " const, maxLength, anyOf)");
      }
    }
    if (schema.has("const")) {
      return literals(List.of(schema.get("const")));
    }
    if (schema.has("enum")) {
      JsonNode values = schema.get("enum");
      if (!values.isArray() || values.isEmpty()) {
        throw unsupported(path + ".enum", "enum must be a non-empty array");
      }
      List<JsonNode> all = new ArrayList<>();
      values.forEach(all::add);
      return literals(all);
    }
    if (schema.has("anyOf")) {
      JsonNode options = schema.get("anyOf");
      if (!options.isArray() || options.isEmpty()) {
        throw unsupported(path + ".anyOf", "anyOf must be a non-empty array");
      }
      List<SchemaNode> nodes = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        nodes.add(compile(options.get(i), path + ".anyOf[" + i + "]"));
      }
      return nodes.size() == 1 ? nodes.getFirst() : new SchemaNode.AnyOfNode(nodes);
    }
    JsonNode type = schema.path("type");
    if (type.isMissingNode()) {
      if (schema.has("properties")) {
        return object(schema, path);
      }
      return new SchemaNode.AnyValueNode();
    }
    if (type.isArray()) {
      List<SchemaNode> nodes = new ArrayList<>();
      for (JsonNode t : type) {
        nodes.add(ofType(t.asText(), schema, path));
      }
      return nodes.size() == 1 ? nodes.getFirst() : new SchemaNode.AnyOfNode(nodes);
    }
    return ofType(type.asText(), schema, path);
  }

  private static SchemaNode ofType(String type, JsonNode schema, String path) {
    return switch (type) {
      case "object" -> object(schema, path);
      case "array" -> {
        int min = schema.path("minItems").asInt(0);
        int max = schema.has("maxItems") ? schema.get("maxItems").asInt() : -1;
        if (min < 0 || (max >= 0 && max < min)) {
          throw unsupported(path, "minItems " + min + " and maxItems " + max + " allow no array");
        }
        SchemaNode items = schema.has("items") ? compile(schema.get("items"), path + ".items")
            : new SchemaNode.AnyValueNode();
        yield new SchemaNode.ArrayNode(items, min, max);
      }
      case "string" -> new SchemaNode.StringNode(schema.has("maxLength") ? schema.get("maxLength").asInt() : -1);
      case "number" -> new SchemaNode.NumberNode(false);
      case "integer" -> new SchemaNode.NumberNode(true);
      case "boolean" -> new SchemaNode.BooleanNode();
      case "null" -> new SchemaNode.NullNode();
      default -> throw unsupported(path + ".type", "type '" + type + "' is not a JSON Schema type");
    };
  }

  private static SchemaNode object(JsonNode schema, String path) {
    JsonNode extra = schema.path("additionalProperties");
    if (extra.isObject()) {
      throw unsupported(path + ".additionalProperties", "a schema for additional properties is"
          + " outside the subset; use false (extra properties are never generated)");
    }
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    List<SchemaNode.Property> properties = new ArrayList<>();
    JsonNode props = schema.path("properties");
    if (!props.isObject()) {
      if (schema.has("properties")) {
        throw unsupported(path + ".properties", "properties must be an object");
      }
      return new SchemaNode.AnyObjectNode();
    }
    for (Map.Entry<String, JsonNode> entry : props.properties()) {
      String name = entry.getKey();
      properties.add(new SchemaNode.Property(name, key(name),
          compile(entry.getValue(), path + ".properties." + name), required.contains(name)));
    }
    for (String name : required) {
      if (!props.has(name)) {
        throw unsupported(path + ".required", "'" + name + "' is required but not among the properties");
      }
    }
    return new SchemaNode.ObjectNode(properties);
  }

  private static byte[] key(String name) {
    try {
      return JSON.writeValueAsString(name).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SchemaNode literals(List<JsonNode> values) {
    Set<String> texts = new LinkedHashSet<>();
    for (JsonNode value : values) {
      texts.add(value.toString());
    }
    return SchemaNode.LiteralNode.of(texts);
  }

  private static UnsupportedSchemaException unsupported(String path, String why) {
    return new UnsupportedSchemaException("schema at " + path + ": " + why);
  }
}
