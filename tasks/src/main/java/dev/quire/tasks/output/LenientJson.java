package dev.quire.tasks.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON value in what a model wrote, found and repaired: inside markdown fences or prose,
 * with single quotes, unquoted keys, comments, trailing commas, Python's True/False/None, or cut
 * off by the token limit (strings, arrays and objects closed, a dangling key or comma dropped).
 * Jackson's lenient read features do the parsing; what was repaired is reported, so a caller
 * can tell a clean answer from a rescued one. Text holding no JSON at all is an
 * {@link UnparseableOutputException} naming why.
 */
public final class LenientJson {

  /** The value and what had to be done to read it. */
  public record Parsed(JsonNode value, List<String> repairs) {
    public Parsed {
      repairs = List.copyOf(repairs);
    }

    public boolean clean() {
      return repairs.isEmpty();
    }
  }

  private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*\\n?(.*?)(?:```|$)", Pattern.DOTALL);
  private static final Pattern PYTHON_LITERAL = Pattern.compile("\\b(True|False|None)\\b");

  private static final JsonMapper STRICT = JsonMapper.builder().build();
  private static final JsonMapper LENIENT = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
      .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
      .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
      .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
      .enable(JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
      .build();

  private LenientJson() {}

  public static Parsed parse(String output) {
    if (output == null || output.isBlank()) {
      throw new UnparseableOutputException("the model's answer is empty");
    }
    List<String> repairs = new ArrayList<>();
    String text = output.strip();
    Matcher fence = FENCE.matcher(text);
    if (fence.find() && fence.group(1).strip().matches("(?s)[\\[{].*")) {
      text = fence.group(1).strip();
      repairs.add("read the JSON inside a markdown code fence");
    }
    int start = firstOpening(text);
    if (start < 0) {
      throw new UnparseableOutputException("the model's answer holds no JSON object or array: "
          + abbreviate(output));
    }
    if (start > 0) {
      repairs.add("skipped " + start + " characters of prose before the JSON");
    }
    String candidate = text.substring(start);
    int end = matchingEnd(candidate);
    if (end >= 0 && end + 1 < candidate.length()) {
      String after = candidate.substring(end + 1).strip();
      if (!after.isEmpty()) {
        repairs.add("skipped " + after.length() + " characters after the JSON");
      }
      candidate = candidate.substring(0, end + 1);
    }
    try {
      return new Parsed(STRICT.readTree(candidate), repairs);
    } catch (JsonProcessingException | RuntimeException strictFailure) {
      // fall through to the repairs
    }
    String python = pythonLiterals(candidate);
    List<String> lenientRepairs = new ArrayList<>(repairs);
    if (!python.equals(candidate)) {
      lenientRepairs.add("read Python's True/False/None as JSON");
    }
    if (end < 0) {
      Closed closed = close(python);
      lenientRepairs.add("the answer was cut off " + closed.where() + "; closed "
          + closed.closed() + " to read what was there");
      python = closed.text();
    }
    try {
      JsonNode value = LENIENT.readTree(python);
      if (lenientRepairs.size() == repairs.size()) {
        lenientRepairs.add("read non-standard JSON (single quotes, unquoted keys, trailing commas"
            + " or comments)");
      }
      return new Parsed(value, lenientRepairs);
    } catch (JsonProcessingException e) {
      throw new UnparseableOutputException("the model's answer is not JSON even after repairs ("
          + e.getOriginalMessage() + "): " + abbreviate(output));
    } catch (RuntimeException e) {
      // lenient number forms can slip past Jackson's checks into Double.parseDouble (".")
      throw new UnparseableOutputException("the model's answer is not JSON even after repairs ("
          + e.getMessage() + "): " + abbreviate(output));
    }
  }

  private static int firstOpening(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' || c == '[') {
        return i;
      }
    }
    return -1;
  }

  /** Where the value opened at 0 closes (strings and escapes respected); -1 if it never does. */
  private static int matchingEnd(String text) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private record Closed(String text, String closed, String where) {}

  /**
   * Closes a value cut off mid-way: an open string is ended, a dangling {@code ,}, {@code :} or
   * key without value is dropped, then every open array and object is closed in order.
   */
  private static Closed close(String text) {
    Deque<Character> open = new ArrayDeque<>();
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      switch (c) {
        case '"', '\'' -> quote = c;
        case '{', '[' -> open.push(c);
        case '}', ']' -> {
          if (!open.isEmpty()) {
            open.pop();
          }
        }
        default -> { }
      }
    }
    StringBuilder out = new StringBuilder(text);
    String where = open.isEmpty() ? "at its end" : "inside " + (open.peek() == '{' ? "an object" : "an array");
    List<String> closed = new ArrayList<>();
    if (quote != 0) {
      out.append(quote);
      closed.add("a string");
      where = "inside a string";
    }
    // a member cut before its value: drop the dangling key, colon or comma
    String withoutDangling = out.toString().stripTrailing().replaceAll("(?s),\\s*$", "");
    if (!open.isEmpty() && open.peek() == '{') {
      // in an object, a last key with no value (or no colon yet) goes
      withoutDangling = withoutDangling.replaceAll(
          "(?s)([,{])\\s*(\"[^\"]*\"|'[^']*'|[A-Za-z_][A-Za-z0-9_]*)\\s*:?\\s*$", "$1")
          .replaceAll("(?s),\\s*$", "");
    }
    out = new StringBuilder(withoutDangling);
    while (!open.isEmpty()) {
      char c = open.pop();
      out.append(c == '{' ? '}' : ']');
      closed.add(c == '{' ? "an object" : "an array");
    }
    return new Closed(out.toString(), closed.isEmpty() ? "nothing" : String.join(", ", closed), where);
  }

  /** Python's True, False and None outside strings as JSON's literals. */
  private static String pythonLiterals(String text) {
    StringBuilder out = new StringBuilder(text.length());
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && i + 1 < text.length()) {
          out.append(text.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        out.append(c);
        continue;
      }
      Matcher word = PYTHON_LITERAL.matcher(text).region(i, text.length());
      boolean boundary = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
      if (boundary && word.lookingAt()) {
        out.append(switch (word.group(1)) {
          case "True" -> "true";
          case "False" -> "false";
          default -> "null";
        });
        i = word.end() - 1;
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "…";
  }
}
