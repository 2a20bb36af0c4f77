package dev.quire.generation.guided;

import java.util.List;

/**
 * The JSON Schema subset guided decoding understands, compiled from a schema once
 * ({@link JsonSchemaCompiler}): objects with their properties (in the schema's order), required
 * ones and no others; arrays with items and bounds; strings free or bounded; numbers, integers,
 * booleans, null; enumerated and constant values; {@code anyOf} of these; and any JSON value.
 */
public sealed interface SchemaNode {

  /** One property: its JSON-encoded key (with quotes) and its value's schema. */
  record Property(String name, byte[] key, SchemaNode value, boolean required) {}

  record ObjectNode(List<Property> properties) implements SchemaNode {
    public ObjectNode {
      properties = List.copyOf(properties);
    }
  }

  record ArrayNode(SchemaNode items, int minItems, int maxItems) implements SchemaNode {}

  /** A free string of at most {@code maxLength} characters (-1: unbounded). */
  record StringNode(int maxLength) implements SchemaNode {}

  record NumberNode(boolean integer) implements SchemaNode {}

  record BooleanNode() implements SchemaNode {}

  record NullNode() implements SchemaNode {}

  /**
   * Literal JSON texts, one of which must be produced exactly (enum and const of any type), held
   * as their UTF-8 bytes: the automaton compares bytes at every step of a trie walk.
   */
  record LiteralNode(List<byte[]> texts) implements SchemaNode {
    public LiteralNode {
      texts = List.copyOf(texts);
    }

    public static LiteralNode of(java.util.Collection<String> texts) {
      return new LiteralNode(texts.stream()
          .map(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList());
    }

    /** The texts as strings. */
    public List<String> strings() {
      return texts.stream().map(t -> new String(t, java.nio.charset.StandardCharsets.UTF_8)).toList();
    }
  }

  record AnyOfNode(List<SchemaNode> options) implements SchemaNode {
    public AnyOfNode {
      options = List.copyOf(options);
    }
  }

  /** Any JSON value. */
  record AnyValueNode() implements SchemaNode {}

  /** An object of any keys and values ({@code response_format: {"type": "json_object"}}). */
  record AnyObjectNode() implements SchemaNode {}
}
