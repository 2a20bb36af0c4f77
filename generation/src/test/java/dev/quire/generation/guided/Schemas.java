package dev.quire.generation.guided;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Random;

/** Test schemas, random instances of them, and validation by networknt's validator. */
final class Schemas {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  static final String INVOICE = """
      {"type": "object", "additionalProperties": false,
       "properties": {
         "vendor": {"type": "string", "maxLength": 12},
         "number": {"type": "string", "maxLength": 6},
         "kind": {"enum": ["invoice", "receipt", "bill"]},
         "total": {"type": "number"},
         "lines": {"type": "integer"},
         "paid": {"type": "boolean"},
         "due": {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "null"}]},
         "items": {"type": "array", "minItems": 1, "maxItems": 3,
                   "items": {"type": "object", "additionalProperties": false,
                             "properties": {"name": {"type": "string", "maxLength": 8},
                                            "amount": {"type": "number"}},
                             "required": ["name", "amount"]}}},
       "required": ["vendor", "kind", "total", "items"]}""";

  static final String LABEL = """
      {"type": "object", "additionalProperties": false,
       "properties": {"label": {"enum": ["W-2", "1099-INT", "invoice", "receipt", "other"]},
                      "confidence": {"type": "number"}, "tags": {"type": "array", "maxItems": 2,
                      "items": {"type": "string", "maxLength": 5}}},
       "required": ["label"]}""";

  static final String NESTED = """
      {"type": "object", "properties": {
         "a": {"type": ["integer", "null"]},
         "b": {"type": "array", "maxItems": 2, "items": {"type": "array", "maxItems": 2, "items": {"type": "boolean"}}},
         "c": {"const": {"x": 1}},
         "d": {"type": "object", "properties": {"e": {"type": "string", "maxLength": 3}}}},
       "required": ["a", "c"]}""";

  static final List<String> ALL = List.of(INVOICE, LABEL, NESTED);

  private Schemas() {}

  static JsonNode parse(String schema) {
    try {
      return JSON.readTree(schema);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** networknt's errors of {@code text} against {@code schema}; unparseable text is one error. */
  static List<String> errors(String schema, String text) {
    JsonNode instance;
    try {
      instance = JSON.readTree(text);
    } catch (Exception e) {
      return List.of("not JSON: " + e.getMessage());
    }
    if (instance == null) {
      return List.of("empty");
    }
    Schema compiled = REGISTRY.getSchema(schema);
    return compiled.validate(instance).stream().map(Error::getMessage).toList();
  }

  /** A random instance of {@code node}, properties in the schema's order, compact. */
  static String instance(SchemaNode node, Random random) {
    return value(node, random, 0).toString();
  }

  private static JsonNode value(SchemaNode node, Random random, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (node) {
      case SchemaNode.ObjectNode object -> {
        ObjectNode out = f.objectNode();
        for (SchemaNode.Property p : object.properties()) {
          if (p.required() || random.nextBoolean()) {
            out.set(p.name(), value(p.value(), random, depth + 1));
          }
        }
        yield out;
      }
      case SchemaNode.ArrayNode array -> {
        ArrayNode out = f.arrayNode();
        int max = array.maxItems() < 0 ? array.minItems() + 3 : array.maxItems();
        int n = array.minItems() + random.nextInt(max - array.minItems() + 1);
        for (int i = 0; i < n; i++) {
          out.add(value(array.items(), random, depth + 1));
        }
        yield out;
      }
      case SchemaNode.StringNode string -> {
        int max = string.maxLength() < 0 ? 12 : string.maxLength();
        StringBuilder s = new StringBuilder();
        String alphabet = "ab Z9\"\\/\né€😀\t";
        int n = random.nextInt(max + 1);
        while (s.codePointCount(0, s.length()) < n) {
          int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length()))));
          s.appendCodePoint(cp);
        }
        yield f.textNode(s.toString());
      }
      case SchemaNode.NumberNode number -> number.integer() ? f.numberNode(random.nextInt(2_000_001) - 1_000_000)
          : f.numberNode(Math.round((random.nextDouble() - 0.5) * 1e6) / 100.0);
      case SchemaNode.BooleanNode b -> f.booleanNode(random.nextBoolean());
      case SchemaNode.NullNode n -> f.nullNode();
      case SchemaNode.LiteralNode literal -> parse(literal.strings().stream()
          .skip(random.nextInt(literal.strings().size())).findFirst().orElseThrow());
      case SchemaNode.AnyOfNode any -> value(any.options().get(random.nextInt(any.options().size())), random, depth);
      case SchemaNode.AnyValueNode any -> depth > 3 ? f.numberNode(1) : value(
          List.<SchemaNode>of(new SchemaNode.StringNode(5), new SchemaNode.NumberNode(false),
              new SchemaNode.AnyObjectNode(), new SchemaNode.NullNode()).get(random.nextInt(4)), random, depth + 1);
      case SchemaNode.AnyObjectNode any -> {
        ObjectNode out = f.objectNode();
        int n = depth > 3 ? 0 : random.nextInt(3);
        for (int i = 0; i < n; i++) {
          out.set("k" + i, value(new SchemaNode.AnyValueNode(), random, depth + 1));
        }
        yield out;
      }
    };
  }
}
