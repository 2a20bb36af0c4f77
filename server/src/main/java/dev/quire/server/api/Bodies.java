package dev.quire.server.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading requests: JSON bodies within the size limit, and the path parameters shared by routes. */
final class Bodies {
  private Bodies() {}

  private static final int MAX_DOCUMENT_ID_BYTES = 500;

  /** The body as {@code type}; 415 unless it is JSON, 400 with where and why when it is wrong. */
  static <T> T json(Context ctx, Class<T> type) {
    if (!ctx.isJson()) {
      throw new ApiException(
          415, "UNSUPPORTED_MEDIA_TYPE",
          "send the request body as application/json (got "
              + (ctx.contentType() == null ? "no content type" : "'" + AccessControl.abbreviate(ctx.contentType()) + "'")
              + ")");
    }
    byte[] body = ctx.bodyAsBytes(); // 413 beyond the configured maximum
    if (body.length == 0) {
      throw ApiException.invalid("the request body is empty; send a JSON object");
    }
    ObjectMapper mapper = ctx.appData(ServerApp.JSON_KEY);
    refuseLoneSurrogates(mapper, body);
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw ApiException.invalid("the request body must be a JSON object, not null");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      String field = path(e);
      throw ApiException.invalid(
          "unknown field '" + AccessControl.abbreviate(field) + "'; known fields: "
              + e.getKnownPropertyIds(), field);
    } catch (JsonProcessingException e) {
      throw invalidJson(e);
    } catch (IOException e) {
      throw ApiException.invalid("cannot read the request body: " + e.getMessage());
    }
  }

  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");

  static ApiException invalidJson(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    // Jackson's hint at its own settings means nothing to a client
    why = why.replaceAll("\\s*\\(but (?:could|might) if [^)]*\\)", "");
    why = AccessControl.abbreviate(jsonTypes(why).replaceAll("\\s+", " "));
    String field = null;
    String within =
        e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty() ? path(mapping) : null;
    Matcher duplicate = DUPLICATE.matcher(why);
    if (duplicate.find()) {
      field = within == null ? duplicate.group(1) : within + "." + duplicate.group(1);
      why = "field '" + AccessControl.abbreviate(field) + "' is given twice (each key once per object)";
    } else if (within != null) {
      field = within;
      why = "field '" + AccessControl.abbreviate(field) + "': " + why;
    }
    if (e instanceof MismatchedInputException && field == null && e.getLocation() != null
        && e.getLocation().getLineNr() == 1 && e.getLocation().getColumnNr() <= 2) {
      why = "the request body must be a JSON object";
    }
    return new RequestValidationException(
        "INVALID_JSON", "the request body is not valid for this route" + where + ": " + why, field);
  }

  /** Where in the body a mapping error is: {@code filters.document_ids[0]}. */
  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /**
   * Text that holds half of a surrogate pair cannot be encoded as UTF-8 (a JSON {@code "\\ud800"},
   * or the bytes ED A0 80): a 400 naming the field, before it could search for nothing or reach a
   * model. Bodies that hold no backslash-u-D escape and no ED byte are not scanned.
   */
  static void refuseLoneSurrogates(ObjectMapper mapper, byte[] body) {
    if (!mayHoldSurrogate(body)) {
      return;
    }
    try (JsonParser parser = mapper.getFactory().createParser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
          char[] text = parser.getTextCharacters();
          int at = loneSurrogate(text, parser.getTextOffset(), parser.getTextLength());
          if (at >= 0) {
            String field = path(parser.getParsingContext());
            throw ApiException.invalid(
                (field.isEmpty() ? "the body" : "'" + AccessControl.abbreviate(field) + "'")
                    + " holds a lone surrogate (U+" + Integer.toHexString(text[at]).toUpperCase()
                    + " without its pair), which is not text: send valid UTF-16 escapes or UTF-8",
                field.isEmpty() ? null : field);
          }
        }
      }
    } catch (IOException e) {
      // not JSON: the real parse reports where
    }
  }

  private static boolean mayHoldSurrogate(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if (body[i] == (byte) 0xED) {
        return true;
      }
      if (body[i] == '\\' && i + 2 < body.length && body[i + 1] == 'u'
          && (body[i + 2] == 'd' || body[i + 2] == 'D')) {
        return true;
      }
    }
    return false;
  }

  /** The index of the first unpaired surrogate in the range, or -1. */
  static int loneSurrogate(char[] text, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = text[i];
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The path of the current token, {@code messages[0].content}. */
  private static String path(JsonStreamContext context) {
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.addFirst((c.getParent() == null || c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
      } else if (c.inArray()) {
        parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    return String.join("", parts);
  }

  /** A string field of a JSON body, or null when absent or null; a 400 naming it otherwise. */
  static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.invalid(field + " must be a string, got " + kind(value), field);
    }
    return value.asText();
  }

  /** A boolean field, {@code otherwise} when absent or null; a 400 naming it when not a boolean. */
  static boolean bool(JsonNode body, String field, boolean otherwise) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return otherwise;
    }
    if (!value.isBoolean()) {
      throw ApiException.invalid(field + " must be true or false, got " + kind(value), field);
    }
    return value.asBoolean();
  }

  /** Refuses a field that is present (not null) and not of the kind {@code ok} accepts. */
  static void expect(JsonNode body, String field, java.util.function.Predicate<JsonNode> ok, String what) {
    JsonNode value = body.get(field);
    if (value != null && !value.isNull() && !ok.test(value)) {
      throw ApiException.invalid(field + " must be " + what + ", got " + kind(value), field);
    }
  }

  /** What a JSON value is, for messages: {@code the number 2.5}, {@code a string}. */
  static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case NUMBER -> "the number " + AccessControl.abbreviate(value.asText());
      case STRING -> "a string";
      case BOOLEAN -> value.asText();
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static final Pattern JAVA_TYPE = Pattern.compile("`([a-zA-Z0-9_.$<>, ]+)`");

  /** Jackson names Java types; clients know JSON ones. */
  static String jsonTypes(String message) {
    Matcher m = JAVA_TYPE.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String type = m.group(1);
      String json =
          type.startsWith("java.lang.String") ? "string"
              : type.matches("(java\\.lang\\.)?(Integer|int|Long|long)") ? "integer"
              : type.matches("(java\\.lang\\.)?(Double|double|Float|float)") ? "number"
              : type.matches("(java\\.lang\\.)?(Boolean|boolean)") ? "boolean"
              : type.startsWith("java.util.List") || type.endsWith("[]") ? "array"
              : "object";
      m.appendReplacement(out, json);
    }
    m.appendTail(out);
    return out.toString();
  }

  static String documentId(Context ctx) {
    String id = ctx.pathParam("id");
    if (id.isEmpty() || id.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_ID_BYTES) {
      throw ApiException.invalid("document id must be 1.." + MAX_DOCUMENT_ID_BYTES + " bytes");
    }
    return id;
  }

  static int pageNumber(Context ctx) {
    return positive(ctx.pathParam("page"), "page number");
  }

  static int positive(String value, String what) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    throw ApiException.invalid(what + " must be a positive whole number, got '" + AccessControl.abbreviate(value) + "'");
  }

  static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the value.
    }
    throw ApiException.invalid(
        name + " must be a whole number in " + min + ".." + max + ", got '" + AccessControl.abbreviate(value) + "'");
  }

  /** Reads a small text field of a multipart form, or null. */
  static String formField(Context ctx, String name) {
    String value = ctx.formParam(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Whether a JSON list holds a null (immutable lists refuse to even look for one). */
  static boolean hasNull(List<?> list) {
    for (Object item : list) {
      if (item == null) {
        return true;
      }
    }
    return false;
  }
}
