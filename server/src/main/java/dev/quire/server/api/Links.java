package dev.quire.server.api;

import dev.quire.server.security.Principal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Links to page images and original files: plain in the open loopback mode, otherwise signed for
 * the caller's key so an {@code <img>} tag or a plain link can load them without a header.
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
    return signed(path, collection, size, caller);
  }

  String originalFile(String collection, String documentId, Principal caller) {
    String path = "/v1/documents/" + URLEncoder.encode(documentId, StandardCharsets.UTF_8) + "/file";
    return signed(path, collection, null, caller);
  }

  private String signed(String path, String collection, String size, Principal caller) {
    String url = path + "?collection=" + collection + (size == null ? "" : "&size=" + size);
    if (context.keys().isEmpty()) {
      return url;
    }
    String resource = AccessControl.signedResource(path, collection, size);
    return url + "&" + context.signedUrls().sign(resource, caller.name());
  }
}
