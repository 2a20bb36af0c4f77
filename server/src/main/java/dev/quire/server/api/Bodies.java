package dev.quire.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    try {
      T value = mapper.readValue(body, type);
      if (value == null) {
        throw ApiException.invalid("the request body must be a JSON object, not null");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.invalid(
          "unknown field '" + AccessControl.abbreviate(e.getPropertyName()) + "'; known fields: "
              + e.getKnownPropertyIds());
    } catch (JsonProcessingException e) {
      throw invalidJson(e);
    } catch (IOException e) {
      throw ApiException.invalid("cannot read the request body: " + e.getMessage());
    }
  }

  static ApiException invalidJson(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    String why = e.getOriginalMessage() == null ? "" : jsonTypes(e.getOriginalMessage());
    why = AccessControl.abbreviate(why.replaceAll("\\s+", " "));
    return new RequestValidationException(
        "INVALID_JSON", "the request body is not valid for this route" + where + ": " + why, null);
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
