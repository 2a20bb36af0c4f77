package dev.quire.evaluation.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.quire.datasets.Qrels;
import dev.quire.evaluation.Run;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The JSON forms BEIR, MTEB and pytrec_eval use in memory: a run is {@code {"qid": {"docid": score}}}
 * and qrels are {@code {"qid": {"docid": relevance}}} with integer relevance. A key repeated inside
 * one object is an error (Python would silently keep the last value). Infinite scores are written
 * and read as the bare {@code Infinity} tokens of Python's json module; NaN is refused.
 */
public final class BeirJsonFormat {

  /** Infinity and -Infinity as bare tokens, the way Python's json module writes and reads them. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  private BeirJsonFormat() {}

  public static Run readRun(Path file) throws IOException {
    return readRun(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads a run from JSON text.
   *
   * @param source the name quoted in error messages
   * @throws FormatException if the text is not JSON of that shape
   */
  public static Run readRun(String json, String source) throws IOException {
    Run.Builder run = Run.builder();
    parse(json, source, new Sink() {
      @Override
      public void query(String queryId) {
        run.addQuery(queryId);
      }

      @Override
      public void value(String queryId, String docId, JsonParser parser) throws IOException {
        if (!parser.currentToken().isNumeric()) {
          throw new IllegalStateException("score of document \"" + docId + "\" is not a number");
        }
        run.add(queryId, docId, parser.getDoubleValue());
      }
    });
    return run.build();
  }

  public static Qrels readQrels(Path file) throws IOException {
    return readQrels(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Reads qrels from JSON text.
   *
   * @param source the name quoted in error messages
   * @throws FormatException if the text is not JSON of that shape or a relevance is not an integer
   */
  public static Qrels readQrels(String json, String source) throws IOException {
    Qrels.Builder qrels = Qrels.builder();
    parse(json, source, new Sink() {
      @Override
      public void query(String queryId) {
        qrels.addQuery(queryId);
      }

      @Override
      public void value(String queryId, String docId, JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT
            || parser.getNumberType() != JsonParser.NumberType.INT) {
          throw new IllegalStateException(
              "relevance of document \"" + docId + "\" is not an integer (pytrec_eval requires int)");
        }
        qrels.add(queryId, docId, parser.getIntValue());
      }
    });
    return qrels.build();
  }

  public static void writeRun(Run run, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeRun(run, out);
    }
  }

  /** Writes queries and documents in insertion order; scores read back to the same double. */
  public static void writeRun(Run run, Writer out) throws IOException {
    try (JsonGenerator json = generator(out)) {
      json.writeStartObject();
      for (String queryId : run.queryIds()) {
        json.writeObjectFieldStart(queryId);
        for (Map.Entry<String, Double> doc : run.scores(queryId).entrySet()) {
          json.writeNumberField(doc.getKey(), doc.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    }
    out.write('\n');
  }

  public static void writeQrels(Qrels qrels, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeQrels(qrels, out);
    }
  }

  /** Writes queries and judgments in insertion order. */
  public static void writeQrels(Qrels qrels, Writer out) throws IOException {
    try (JsonGenerator json = generator(out)) {
      json.writeStartObject();
      for (String queryId : qrels.queryIds()) {
        json.writeObjectFieldStart(queryId);
        for (Map.Entry<String, Integer> judgment : qrels.judgments(queryId).entrySet()) {
          json.writeNumberField(judgment.getKey(), judgment.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    }
    out.write('\n');
  }

  private static JsonGenerator generator(Writer out) throws IOException {
    JsonGenerator json = JSON.createGenerator(out);
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    json.useDefaultPrettyPrinter();
    return json;
  }

  private interface Sink {
    void query(String queryId);

    /** Takes the value under the parser; throws IllegalStateException with the reason if it is wrong. */
    void value(String queryId, String docId, JsonParser parser) throws IOException;
  }

  private static void parse(String json, String source, Sink sink) throws IOException {
    try (JsonParser parser = JSON.createParser(json)) {
      try {
        expect(parser.nextToken() == JsonToken.START_OBJECT, "expected a JSON object {\"qid\": {\"docid\": value}}");
        Set<String> queries = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String queryId = parser.currentName();
          expect(!queryId.isEmpty(), "empty query id");
          expect(queries.add(queryId), "query \"" + queryId + "\" appears twice");
          expect(parser.nextToken() == JsonToken.START_OBJECT,
              "the value of query \"" + queryId + "\" must be an object {\"docid\": value}");
          sink.query(queryId);
          Set<String> docs = new HashSet<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String docId = parser.currentName();
            expect(!docId.isEmpty(), "empty document id in query \"" + queryId + "\"");
            expect(docs.add(docId), "document \"" + docId + "\" appears twice in query \"" + queryId + "\"");
            parser.nextToken();
            sink.value(queryId, docId, parser);
          }
        }
        expect(parser.currentToken() == JsonToken.END_OBJECT, "expected a query id or the end of the object");
        expect(parser.nextToken() == null, "unexpected content after the top-level object");
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw error(json, source, parser.currentTokenLocation().getLineNr(), e.getMessage());
      } catch (JsonProcessingException e) {
        throw error(json, source, e.getLocation() == null ? 1 : e.getLocation().getLineNr(),
            "not valid JSON (" + e.getOriginalMessage() + ")");
      }
    }
  }

  private static void expect(boolean condition, String reason) {
    if (!condition) {
      throw new IllegalStateException(reason);
    }
  }

  private static FormatException error(String json, String source, int lineNumber, String reason) {
    int line = Math.max(lineNumber, 1);
    String[] lines = json.split("\r?\n", -1);
    String text = line <= lines.length ? lines[line - 1] : "";
    return new FormatException(source, line, text, reason);
  }
}
