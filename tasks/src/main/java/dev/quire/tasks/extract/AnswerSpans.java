package dev.quire.tasks.extract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.quire.generation.backend.ChatLogprob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * How sure the model was of each value it wrote: the product of the probabilities of the tokens
 * that spell the value (a token holding any byte of it counts), each under the distribution it
 * was drawn from; with the in-process backend that is after the schema's mask. Found by reading
 * the answer's bytes, as the tokens spell them, with a streaming JSON parser that gives each
 * value's byte span.
 */
final class AnswerSpans {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .build();

  private AnswerSpans() {}

  /**
   * Each scalar value's probability by its path ({@code total}, {@code line_items[0].amount});
   * empty when the tokens are unknown. A value past a point the parser cannot read has none.
   */
  static Map<String, Double> probabilities(java.util.List<ChatLogprob> tokens) {
    Map<String, Double> out = new HashMap<>();
    if (tokens.isEmpty()) {
      return out;
    }
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int[] ends = new int[tokens.size()];
    for (int i = 0; i < tokens.size(); i++) {
      text.writeBytes(tokens.get(i).bytes());
      ends[i] = text.size();
    }
    byte[] bytes = text.toByteArray();
    int start = 0;
    while (start < bytes.length && bytes[start] != '{' && bytes[start] != '[') {
      start++;
    }
    if (start == bytes.length) {
      return out;
    }
    byte[] json = Arrays.copyOfRange(bytes, start, bytes.length);
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (!token.isScalarValue()) {
          continue;
        }
        long from = parser.currentTokenLocation().getByteOffset();
        parser.getText(); // a string is read lazily: finish it so the location is past its end
        long to = parser.currentLocation().getByteOffset();
        if (token == JsonToken.VALUE_STRING && to - from > 2) {
          from++;
          to--;
        }
        out.put(path(parser.getParsingContext()), probability(tokens, ends, start + from, start + to));
      }
    } catch (IOException e) {
      // the rest is unreadable (a cut-off or mangled answer): the values before it keep theirs
    }
    return out;
  }

  private static double probability(java.util.List<ChatLogprob> tokens, int[] ends, long from, long to) {
    double logprob = 0;
    int previousEnd = 0;
    for (int i = 0; i < tokens.size() && previousEnd < to; i++) {
      if (ends[i] > from) {
        logprob += tokens.get(i).drawnLogprob();
      }
      previousEnd = ends[i];
    }
    return Math.exp(logprob);
  }

  /** {@code a.b[2].c} for the value the context is at. */
  static String path(JsonStreamContext context) {
    Deque<String> steps = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        steps.push("[" + c.getCurrentIndex() + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        steps.push("." + c.getCurrentName());
      }
    }
    String joined = String.join("", steps);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }
}
