package dev.quire.server.api;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches the app (an unparsable URI or header, a
 * header block too large): the same JSON shape as the app's errors, never Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    Content.Sink.write(response, true, body(code, message), callback);
  }

  static String body(int status, String reason) {
    String code =
        switch (status) {
          case 400 -> "INVALID_REQUEST";
          case 404 -> "NOT_FOUND";
          case 413 -> "PAYLOAD_TOO_LARGE";
          case 414 -> "URI_TOO_LONG";
          case 431 -> "HEADERS_TOO_LARGE";
          default -> status >= 500 ? "INTERNAL" : "HTTP_" + status;
        };
    String message = reason == null || reason.isBlank() || status >= 500 ? "the request was refused" : reason;
    return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + escape(message)
        + "\",\"request_id\":null}}";
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
