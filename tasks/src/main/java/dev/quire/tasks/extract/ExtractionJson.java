package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * An extraction in the document gateway's response shape ({@code data}, {@code confidence} by
 * field, {@code doc_type}, {@code page_count}, {@code latency_ms}) with Quire's additions
 * ({@code fields}: each value's source page, printed text and currency; {@code warnings}) — the
 * one shape the CLI and the HTTP API both give.
 */
public final class ExtractionJson {

  private ExtractionJson() {}

  public static ObjectNode of(Extraction extraction) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.set("data", extraction.data());
    ObjectNode confidence = root.putObject("confidence");
    for (Map.Entry<String, Double> entry : extraction.confidence().entrySet()) {
      confidence.put(entry.getKey(), round(entry.getValue()));
    }
    root.put("doc_type", extraction.docType());
    root.put("page_count", extraction.pageCount());
    root.put("latency_ms", extraction.latencyMillis());
    ArrayNode fields = root.putArray("fields");
    for (FieldValue value : extraction.fields()) {
      ObjectNode field = fields.addObject();
      field.put("path", value.path());
      field.set("value", value.value());
      field.put("printed", value.printed());
      if (value.confidence() == null) {
        field.putNull("confidence");
      } else {
        field.put("confidence", round(value.confidence()));
      }
      field.put("page", value.page());
      if (value.currency() != null) {
        field.put("currency", value.currency());
      }
    }
    ArrayNode warnings = root.putArray("warnings");
    extraction.warnings().forEach(warnings::add);
    return root;
  }

  /** Four significant digits: a long value's small probability must not read as zero. */
  private static double round(double probability) {
    return new java.math.BigDecimal(probability).round(new java.math.MathContext(4)).doubleValue();
  }
}
