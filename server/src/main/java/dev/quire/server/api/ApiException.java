package dev.quire.server.api;

/**
 * An error answered to the client as {@code {"error": {"code", "message", "request_id"}}}: the code
 * is stable (clients branch on it), the message says what to change. A request the caller must
 * change is a {@link RequestValidationException}; anything else that escapes a handler (an
 * {@code IllegalArgumentException} from a corrupt store, say) is the server's fault, a 500.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private String param;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The request field at fault, for the OpenAI error shape; may be null. */
  public String param() {
    return param;
  }

  ApiException withParam(String param) {
    this.param = param;
    return this;
  }

  static RequestValidationException invalid(String message) {
    return new RequestValidationException("INVALID_REQUEST", message, null);
  }

  /** A 400 naming the request field (or query parameter) at fault. */
  static RequestValidationException invalid(String message, String param) {
    return new RequestValidationException("INVALID_REQUEST", message, param);
  }

  static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  static ApiException forbidden(String message) {
    return new ApiException(403, "FORBIDDEN", message);
  }

  static ApiException modelNotLoaded(String what) {
    return new ApiException(
        503, "MODEL_NOT_LOADED",
        what + " needs an embedding model, and this server runs without one (BM25 only); start it"
            + " with a model to enable it");
  }
}
