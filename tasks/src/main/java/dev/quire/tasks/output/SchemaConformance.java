package dev.quire.tasks.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed answer made to fit its task's schema where that is safe, then validated: strings that
 * are numbers or booleans become them when the schema says so (and the reverse), a lone value
 * becomes a one-element array, properties the schema does not name are dropped; each change is
 * reported. What still does not fit is reported by networknt's validator, not thrown: a model's
 * answer is never a server error.
 */
public final class SchemaConformance {

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  /** The fitted value, the changes made to it, and what still breaks the schema. */
  public record Result(JsonNode value, List<String> changes, List<String> violations) {
    public Result {
      changes = List.copyOf(changes);
      violations = List.copyOf(violations);
    }

    public boolean valid() {
      return violations.isEmpty();
    }
  }

  private final JsonNode schemaNode;
  private final Schema schema;

  public SchemaConformance(JsonNode schema) {
    this.schemaNode = schema;
    this.schema = REGISTRY.getSchema(schema.toString());
  }

  public Result fit(JsonNode value) {
    List<String> changes = new ArrayList<>();
    JsonNode fitted = fit(value.deepCopy(), schemaNode, "$", changes);
    List<String> violations = new ArrayList<>();
    for (Error error : schema.validate(fitted)) {
      violations.add(error.getInstanceLocation() + ": " + error.getMessage());
    }
    return new Result(fitted, changes, violations);
  }

  private static JsonNode fit(JsonNode value, JsonNode schema, String path, List<String> changes) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    String type = schema.path("type").isTextual() ? schema.get("type").asText() : null;
    if (type == null) {
      return value;
    }
    switch (type) {
      case "object" -> {
        if (!(value instanceof ObjectNode object)) {
          return value;
        }
        JsonNode properties = schema.path("properties");
        boolean closed = schema.path("additionalProperties").isBoolean()
            && !schema.get("additionalProperties").asBoolean();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          if (properties.has(entry.getKey())) {
            entry.setValue(fit(entry.getValue(), properties.get(entry.getKey()),
                path + "." + entry.getKey(), changes));
          } else if (closed) {
            it.remove();
            changes.add("dropped " + path + "." + entry.getKey() + ", which the schema does not name");
          }
        }
        return object;
      }
      case "array" -> {
        if (!value.isArray() && !value.isNull()) {
          changes.add("wrapped " + path + " in an array");
          ArrayNode wrapped = f.arrayNode();
          wrapped.add(value);
          value = wrapped;
        }
        if (value instanceof ArrayNode array && schema.has("items")) {
          for (int i = 0; i < array.size(); i++) {
            array.set(i, fit(array.get(i), schema.get("items"), path + "[" + i + "]", changes));
          }
        }
        return value;
      }
      case "number", "integer" -> {
        if (value.isTextual()) {
          String text = value.asText().strip().replace(",", "").replaceAll("^[$€£¥]", "");
          try {
            BigDecimal number = new BigDecimal(text);
            if (type.equals("integer")) {
              if (number.stripTrailingZeros().scale() > 0) {
                return value;
              }
              changes.add("read " + path + " \"" + value.asText() + "\" as an integer");
              return f.numberNode(number.toBigIntegerExact());
            }
            changes.add("read " + path + " \"" + value.asText() + "\" as a number");
            return f.numberNode(number);
          } catch (NumberFormatException | ArithmeticException e) {
            return value;
          }
        }
        if (type.equals("integer") && value.isFloatingPointNumber()
            && value.decimalValue().stripTrailingZeros().scale() <= 0) {
          changes.add("read " + path + " " + value + " as an integer");
          return f.numberNode(value.decimalValue().toBigIntegerExact());
        }
        return value;
      }
      case "boolean" -> {
        if (value.isTextual()) {
          String text = value.asText().strip().toLowerCase(Locale.ROOT);
          if (text.equals("true") || text.equals("yes")) {
            changes.add("read " + path + " \"" + value.asText() + "\" as true");
            return f.booleanNode(true);
          }
          if (text.equals("false") || text.equals("no")) {
            changes.add("read " + path + " \"" + value.asText() + "\" as false");
            return f.booleanNode(false);
          }
        }
        return value;
      }
      case "string" -> {
        if (value.isNumber() || value.isBoolean()) {
          changes.add("read " + path + " " + value + " as a string");
          return f.textNode(value.asText());
        }
        return value;
      }
      default -> {
        return value;
      }
    }
  }
}
