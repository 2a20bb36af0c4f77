package dev.quire.server.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The query string, checked before a handler reads it: every parameter percent-encoded correctly
 * and valid UTF-8 once decoded. The decoder handlers use throws a bare exception on a stray
 * {@code %} and turns bytes that are not UTF-8 (an encoded lone surrogate, {@code %ED%A0%80}) into
 * U+FFFD, so a query would quietly search for replacement characters; both are the caller's 400.
 */
final class QueryStrings {
  private QueryStrings() {}

  static void check(String query) {
    if (query == null || query.isEmpty()) {
      return;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String decodedName = decode(name, null);
      if (equals >= 0) {
        decode(pair.substring(equals + 1), decodedName);
      }
    }
  }

  /** The text of one encoded name or value; {@code param} names it in errors (null: a name). */
  private static String decode(String encoded, String param) {
    String what = param == null ? "a query parameter's name" : "query parameter '" + AccessControl.abbreviate(param) + "'";
    if (encoded.indexOf('%') < 0) {
      return encoded.replace('+', ' '); // ASCII apart from what the client escaped: nothing to check
    }
    ByteBuffer bytes = ByteBuffer.allocate(encoded.length() * 3);
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length() || Character.digit(encoded.charAt(i + 1), 16) < 0
            || Character.digit(encoded.charAt(i + 2), 16) < 0) {
          throw ApiException.invalid(what + " has a '%' that is not followed by two hex digits", param);
        }
        bytes.put((byte) (Character.digit(encoded.charAt(i + 1), 16) * 16
            + Character.digit(encoded.charAt(i + 2), 16)));
        i += 2;
      } else if (c == '+') {
        bytes.put((byte) ' ');
      } else {
        bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    bytes.flip();
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.invalid(what + " is not UTF-8 once percent-decoded (a lone surrogate, or"
          + " bytes of another encoding); encode text as UTF-8", param);
    }
  }
}
