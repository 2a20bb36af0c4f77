package dev.quire.server.api;

import dev.quire.server.security.Principal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Links to page images: plain in the open loopback mode, otherwise signed for the caller's key so
 * an {@code <img>} tag can load them without a header.
 */
final class Links {

  private final ServerContext context;

  Links(ServerContext context) {
    this.context = context;
  }

  String pageImage(String collection, String documentId, int page, boolean thumbnail, Principal caller) {
    String path =
        "/v1/documents/" + URLEncoder.encode(documentId, StandardCharsets.UTF_8) + "/pages/" + page
            + "/image";
    String size = thumbnail ? "thumbnail" : "full";
    String url = path + "?collection=" + collection + "&size=" + size;
    if (context.keys().isEmpty()) {
      return url;
    }
    String resource = path + "\n" + collection + "\n" + size;
    return url + "&" + context.signedUrls().sign(resource, caller.name());
  }
}
