package dev.quire.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Downloads what a client's URL points to into a file, through a {@link UrlGuard}: redirects are
 * followed by hand (at most {@value #MAX_REDIRECTS}) so every hop is checked again, and the body is
 * cut off at a byte limit.
 */
public final class UrlFetcher {

  static final int MAX_REDIRECTS = 3;

  /** The URL could not be fetched; the message says why, for the client. */
  public static final class FetchException extends Exception {
    private final boolean tooLarge;

    FetchException(String message, boolean tooLarge) {
      super(message);
      this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
      return tooLarge;
    }
  }

  private final UrlGuard guard;
  private final Duration timeout;
  private final HttpClient client;

  public UrlFetcher(UrlGuard guard, Duration timeout) {
    this.guard = guard;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .build();
  }

  /** Writes the body of {@code url} to {@code target}, at most {@code maxBytes}. */
  public void fetch(String url, Path target, long maxBytes)
      throws UrlGuard.RefusedUrlException, FetchException, InterruptedException {
    URI uri = guard.check(url);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<InputStream> response;
      try {
        response =
            client.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new FetchException("cannot fetch " + uri + ": " + e.getMessage(), false);
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && response.headers().firstValue("location").isPresent()) {
        close(response.body());
        uri = guard.check(uri.resolve(response.headers().firstValue("location").get()).toString());
        continue;
      }
      if (status != 200) {
        close(response.body());
        throw new FetchException(uri + " answered HTTP " + status, false);
      }
      long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
      if (declared > maxBytes) {
        close(response.body());
        throw new FetchException(
            uri + " is " + declared + " bytes, over the limit of " + maxBytes, true);
      }
      try {
        LimitedCopy.copy(response.body(), target, maxBytes);
      } catch (LimitedCopy.OverLimitException e) {
        throw new FetchException(uri + " is over the limit of " + maxBytes + " bytes", true);
      } catch (IOException e) {
        throw new FetchException("cannot fetch " + uri + ": " + e.getMessage(), false);
      }
      return;
    }
    throw new FetchException("more than " + MAX_REDIRECTS + " redirects from " + url, false);
  }

  private static void close(InputStream body) {
    try {
      body.close();
    } catch (IOException e) {
      // Nothing was read from it; a failed close leaves nothing behind.
    }
  }
}
