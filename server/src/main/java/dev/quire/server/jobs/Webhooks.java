package dev.quire.server.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.server.ServerConfig;
import dev.quire.server.security.UrlGuard;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a client's URL that its job finished: a JSON POST signed with {@code X-Quire-Signature:
 * sha256=HMAC-SHA256(secret, timestamp + "." + body)} (hex) and {@code X-Quire-Timestamp}, so the
 * receiver can check both origin and freshness. Network errors, 429 and 5xx answers are retried
 * with doubling backoff; other answers end the delivery. The URL is checked by the {@link
 * UrlGuard} again at each attempt.
 */
public final class Webhooks implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

  public static final String SIGNATURE_HEADER = "X-Quire-Signature";
  public static final String TIMESTAMP_HEADER = "X-Quire-Timestamp";
  public static final String EVENT_HEADER = "X-Quire-Event";
  public static final String DELIVERY_HEADER = "X-Quire-Delivery";

  private final ServerConfig.Webhooks config;
  private final UrlGuard guard;
  private final ObjectMapper json;
  private final Clock clock;
  private final HttpClient client;
  private final ScheduledThreadPoolExecutor retries =
      new ScheduledThreadPoolExecutor(
          1, r -> Thread.ofPlatform().name("quire-webhooks").daemon().unstarted(r));

  public Webhooks(ServerConfig.Webhooks config, UrlGuard guard, ObjectMapper json, Clock clock) {
    this.config = config;
    this.guard = guard;
    this.json = json;
    this.clock = clock;
    // At shutdown, deliveries under way finish; retries not yet due are dropped.
    retries.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(config.timeout())
            .build();
  }

  /** Refuses a webhook URL at submission, before any job runs. */
  public void check(String url) throws UrlGuard.RefusedUrlException {
    if (!config.enabled()) {
      throw new UrlGuard.RefusedUrlException(
          "webhooks are disabled on this server (no webhooks.secret is configured)");
    }
    guard.check(url);
  }

  /** Sends {@code event} about the job, in the background. */
  public void deliver(String url, String event, JobView job) {
    if (!config.enabled() || url == null) {
      return;
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("event", event);
    payload.put("job", job);
    byte[] body;
    try {
      body = json.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job view always serialises", e);
    }
    String delivery = UUID.randomUUID().toString();
    retries.execute(() -> attempt(url, event, delivery, body, 1));
  }

  private void attempt(String url, String event, String delivery, byte[] body, int attempt) {
    String outcome;
    try {
      URI uri = guard.check(url);
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(config.timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "quire-webhooks")
              .header(EVENT_HEADER, event)
              .header(DELIVERY_HEADER, delivery)
              .header(TIMESTAMP_HEADER, timestamp)
              .header(SIGNATURE_HEADER, "sha256=" + sign(config.secret(), timestamp, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status < 300) {
        LOG.info("webhook {} for {} delivered to {} (HTTP {})", delivery, event, uri.getHost(), status);
        return;
      }
      if (status != 429 && status < 500) {
        LOG.warn("webhook {} refused by {} with HTTP {}; not retried", delivery, uri.getHost(), status);
        return;
      }
      outcome = "HTTP " + status;
    } catch (UrlGuard.RefusedUrlException e) {
      LOG.warn("webhook {} not sent: {}", delivery, e.getMessage());
      return;
    } catch (IOException e) {
      outcome = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (attempt >= config.attempts()) {
      LOG.warn("webhook {} failed after {} attempts: {}", delivery, attempt, outcome);
      return;
    }
    long delay = config.initialBackoff().toMillis() << Math.min(attempt - 1, 16);
    LOG.info("webhook {} attempt {} failed ({}); retrying in {} ms", delivery, attempt, outcome, delay);
    if (!retries.isShutdown()) {
      retries.schedule(
          () -> attempt(url, event, delivery, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Hex HMAC-SHA256 of {@code timestamp + "." + body}. */
  public static String sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every Java platform provides HmacSHA256", e);
    }
  }

  @Override
  public void close() {
    retries.shutdown();
    try {
      if (!retries.awaitTermination(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        LOG.warn("webhook retries still pending at shutdown are dropped");
        retries.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      retries.shutdownNow();
    }
  }
}
