package dev.quire.server.api;

import dev.quire.server.security.UrlFetcher;
import dev.quire.server.security.UrlGuard;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Documents named by URL: fetched through the guard into a temporary file, then typed. */
final class Fetching {
  private Fetching() {}

  static Uploads.Received fetch(ServerContext context, UrlFetcher fetcher, String url)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile(context.temporaryDirectory(), "fetch-", ".part");
    try {
      long max = context.config().limits().maxUploadBytes();
      fetcher.fetch(url, file, max);
      String name = Uploads.safeFileName(nameOf(url));
      return new Uploads.Received(file, name, Uploads.identify(context.reader(), file, name));
    } catch (UrlGuard.RefusedUrlException e) {
      Files.deleteIfExists(file);
      throw new RequestValidationException("URL_REFUSED", e.getMessage(), null);
    } catch (UrlFetcher.FetchException e) {
      Files.deleteIfExists(file);
      throw e.tooLarge()
          ? new ApiException(413, "PAYLOAD_TOO_LARGE", e.getMessage())
          : new ApiException(422, "FETCH_FAILED", e.getMessage());
    } catch (IOException | RuntimeException | InterruptedException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  private static String nameOf(String url) {
    try {
      String path = URI.create(url.trim()).getPath();
      return path == null || path.isEmpty() ? "download" : path;
    } catch (IllegalArgumentException e) {
      return "download";
    }
  }
}
