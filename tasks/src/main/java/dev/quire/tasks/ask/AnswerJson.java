package dev.quire.tasks.ask;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** An answer as JSON (snake_case): the text, found, the cited and the shown pages, warnings. */
public final class AnswerJson {

  private AnswerJson() {}

  public static ObjectNode of(Answer answer) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode out = f.objectNode();
    out.put("question", answer.question());
    out.put("answer", answer.text());
    out.put("found", answer.found());
    ArrayNode citations = out.putArray("citations");
    for (Citation c : answer.citations()) {
      citations.add(page(c.number(), c.documentId(), c.pageNumber(), c.source()));
    }
    ArrayNode sources = out.putArray("sources");
    for (SourcePage p : answer.sources()) {
      sources.add(page(p.number(), p.documentId(), p.pageNumber(), p.source()));
    }
    ArrayNode warnings = out.putArray("warnings");
    answer.warnings().forEach(warnings::add);
    out.put("latency_ms", answer.latencyMillis());
    return out;
  }

  private static ObjectNode page(int number, String documentId, int page, String source) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("number", number);
    out.put("document_id", documentId);
    out.put("page", page);
    out.put("source", source);
    return out;
  }
}
