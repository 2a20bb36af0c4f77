package dev.quire.tasks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A classification in the document gateway's response shape ({@code type}, {@code confidence},
 * {@code reasoning}, {@code latency_ms}) with Quire's {@code page_count} and {@code warnings} —
 * the one shape the CLI and the HTTP API both give.
 */
public final class ClassificationJson {

  private ClassificationJson() {}

  public static ObjectNode of(ClassifyTask.Classification result) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("type", result.type());
    if (result.confidence() != null) {
      out.put("confidence", Math.round(result.confidence() * 10_000) / 10_000.0);
    } else {
      out.putNull("confidence");
    }
    out.put("reasoning", result.reasoning());
    out.put("latency_ms", result.latencyMillis());
    out.put("page_count", result.pageCount());
    ArrayNode warnings = out.putArray("warnings");
    result.warnings().forEach(warnings::add);
    return out;
  }
}
