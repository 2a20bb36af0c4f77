package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A document's extracted data: {@code data} fits the result schema (fields the pages lack are
 * left out), each value's details in {@code fields} (confidence, source page, printed text,
 * currency), the confidences by path as the gateway's API gives them, and warnings: values
 * that could not be read, disagreements between pages, failed cross-field checks and schema
 * violations, each naming its fields.
 */
public record Extraction(String docType, ObjectNode data, List<FieldValue> fields, int pageCount,
    long latencyMillis, List<String> warnings) {

  public Extraction {
    fields = List.copyOf(fields);
    warnings = List.copyOf(warnings);
  }

  /** Each value's confidence by its path, where known. */
  public Map<String, Double> confidence() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (FieldValue field : fields) {
      if (field.confidence() != null) {
        out.put(field.path(), field.confidence());
      }
    }
    return out;
  }
}
