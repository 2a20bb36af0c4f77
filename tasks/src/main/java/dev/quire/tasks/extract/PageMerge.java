package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The pages' answers as one document: a field takes the first page that shows it (the header
 * is on the first page; a total shown only on the last page comes from there), a later page
 * that disagrees is reported; lists (line items, transactions) are concatenated in page order.
 * Then absent fields are left out, and the result is validated and checked across fields.
 */
final class PageMerge {

  private PageMerge() {}

  static Extraction merge(ExtractionSchema schema, List<ExtractTask.PageResult> pages, int pageCount,
      long latencyMillis) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    List<FieldValue> fields = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Map<String, Integer> sourcePage = new java.util.HashMap<>();
    for (ExtractTask.PageResult page : pages) {
      warnings.addAll(page.warnings());
      for (Map.Entry<String, JsonNode> property : schema.schema().path("properties").properties()) {
        String name = property.getKey();
        JsonNode value = page.data().get(name);
        if (value == null || value.isNull() || (value.isArray() && value.isEmpty())) {
          continue;
        }
        if (value.isArray()) {
          ArrayNode list = data.has(name) && data.get(name).isArray() ? (ArrayNode) data.get(name)
              : data.putArray(name);
          int offset = list.size();
          list.addAll((ArrayNode) value);
          for (FieldValue field : page.fields()) {
            if (field.path().startsWith(name + "[")) {
              int close = field.path().indexOf(']');
              int index = Integer.parseInt(field.path().substring(name.length() + 1, close));
              fields.add(field.atPath(name + "[" + (index + offset) + "]" + field.path().substring(close + 1)));
            }
          }
        } else if (!data.has(name)) {
          data.set(name, value);
          sourcePage.put(name, page.page());
          for (FieldValue field : page.fields()) {
            if (field.path().equals(name) || field.path().startsWith(name + ".")) {
              fields.add(field);
            }
          }
        } else if (!data.get(name).equals(value)) {
          warnings.add(name + " is " + data.get(name) + " on page " + sourcePage.get(name) + " but "
              + value + " on page " + page.page() + ": page " + sourcePage.get(name) + "'s kept");
        }
      }
    }
    dropNulls(data);
    for (String violation : schema.violations(data)) {
      warnings.add("data does not fit the schema: " + violation);
    }
    warnings.addAll(CrossFieldChecks.check(schema.docType(), data));
    return new Extraction(schema.docType(), data, fields, pageCount, latencyMillis, warnings);
  }

  /** Absent values leave the data: {@code data} holds what the document shows. */
  private static void dropNulls(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        if (entry.getValue().isNull()) {
          it.remove();
        } else {
          dropNulls(entry.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(PageMerge::dropNulls);
    }
  }
}
