package dev.quire.server.api;

/**
 * An error answered to the client as {@code {"error": {"code", "message", "request_id"}}}: the code
 * is stable (clients branch on it), the message says what to change.
 */
public final class ApiException extends RuntimeException {
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

  static ApiException invalid(String message) {
    return new ApiException(400, "INVALID_REQUEST", message);
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
