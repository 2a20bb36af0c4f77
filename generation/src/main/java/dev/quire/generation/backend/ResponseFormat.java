package dev.quire.generation.backend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.generation.guided.JsonSchemaCompiler;
import dev.quire.generation.guided.SchemaNode;

/**
 * The shape an answer must take, as the OpenAI API's {@code response_format} says it: free text,
 * any JSON object, or JSON valid against a schema.
 */
public record ResponseFormat(Type type, JsonNode schema) {

  public enum Type { TEXT, JSON_OBJECT, JSON_SCHEMA }

  public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null);
  public static final ResponseFormat JSON_OBJECT = new ResponseFormat(Type.JSON_OBJECT, null);

  public ResponseFormat {
    if (type == Type.JSON_SCHEMA && schema == null) {
      throw new IllegalArgumentException("a json_schema response format needs its schema");
    }
  }

  public static ResponseFormat jsonSchema(JsonNode schema) {
    return new ResponseFormat(Type.JSON_SCHEMA, schema);
  }

  /** The schema guided decoding follows; null for text. Refuses what is outside the subset. */
  public SchemaNode compiled() {
    return switch (type) {
      case TEXT -> null;
      case JSON_OBJECT -> JsonSchemaCompiler.anyObject();
      case JSON_SCHEMA -> JsonSchemaCompiler.compile(schema);
    };
  }
}
