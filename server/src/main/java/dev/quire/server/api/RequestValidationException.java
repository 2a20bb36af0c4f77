package dev.quire.server.api;

/**
 * The request is wrong and the caller must change it: a 400 with a stable code, a message saying
 * what to change and, where one field is at fault, its name ({@code param}). Handlers throw it for
 * what they check themselves, and rethrow it where a library refuses what the caller sent (an
 * unknown first stage, say); a bare {@code IllegalArgumentException} is never taken for one.
 */
public final class RequestValidationException extends ApiException {

  public RequestValidationException(String code, String message, String param) {
    super(400, code, message);
    if (param != null) {
      withParam(param);
    }
  }
}
