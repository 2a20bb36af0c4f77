package dev.quire.server;

import static dev.quire.server.TestServers.ACME_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.quire.ColorTestEncoder;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.encoder.PatchGrid;
import dev.quire.server.jobs.Webhooks;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutdown, restart and resume; webhooks; rate limits. */
class LifecycleTest {

  @TempDir Path data;

  /** ColorTestEncoder, slowed down so a job is still running when the server stops. */
  static final class SlowEncoder implements MultiVectorEncoder {
    final ColorTestEncoder inner = new ColorTestEncoder();
    final long millisPerPage;

    SlowEncoder(long millisPerPage) {
      this.millisPerPage = millisPerPage;
    }

    @Override
    public EncoderInfo info() {
      return inner.info();
    }

    @Override
    public List<MultiVector> encodeQueries(List<String> queries) {
      if (queries.contains("slow")) {
        pause(millisPerPage);
      }
      return inner.encodeQueries(queries);
    }

    private static void pause(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public List<MultiVector> encodePages(List<BufferedImage> pages) {
      try {
        Thread.sleep(millisPerPage * pages.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return inner.encodePages(pages);
    }

    @Override
    public Optional<PatchGrid> patchGrid(BufferedImage page) {
      return inner.patchGrid(page);
    }
  }

  @Test
  void aStoppedServerCheckpointsItsJobAndTheNextStartResumesIt() throws Exception {
    String[] colours = ColorTestEncoder.NAMES;
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      files.put("page-" + i + ".png", TestServers.png(colours[i % colours.length]));
    }
    Map<String, String> settings = Map.of("limits.maxFilesPerRequest", "20");
    String jobId;
    try (QuireServer first = QuireServer.start(TestServers.config(data, settings), new SlowEncoder(150))) {
      Http http = new Http(first.port(), ACME_WRITE);
      Http.Response submitted = http.upload("/v1/index?collection=acme&create=true", files, Map.of());
      assertThat(submitted.status()).isEqualTo(202);
      jobId = submitted.json().path("id").asText();
      awaitPagesDone(http, jobId, 3);
      // A search while the job runs is served, and a close lets it finish.
      assertThat(http.post("/v1/search", Map.of("query", "red", "collection", "acme", "first_stage", "exhaustive")).status())
          .isEqualTo(200);
    }
    JsonNode saved = Http.JSON.readTree(data.resolve("collections/acme/jobs/" + jobId + ".json").toFile());
    assertThat(saved.path("state").asText()).isEqualTo("INTERRUPTED");
    int doneBefore = saved.path("progress").path("documents_done").asInt();
    assertThat(doneBefore).isBetween(1, 11);
    assertThat(Files.list(data.resolve("collections/acme/uploads")).count())
        .as("an interrupted job keeps its uploads").isPositive();

    try (QuireServer second = QuireServer.start(TestServers.config(data, settings), new SlowEncoder(0))) {
      Http http = new Http(second.port(), ACME_WRITE);
      JsonNode done = TestServers.awaitJob(http, jobId, Duration.ofSeconds(60));
      assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(done.path("attempts").asInt()).isEqualTo(2);
      assertThat(done.path("result").path("unchanged").size()).as("documents done before the stop")
          .isGreaterThanOrEqualTo(doneBefore);
      assertThat(http.get("/v1/documents?collection=acme").json().path("total").asInt()).isEqualTo(12);
      try (var stored = Files.walk(data.resolve("collections/acme/uploads"))) {
        assertThat(stored.filter(Files::isRegularFile).count())
            .as("a finished job's uploads stay as its documents' originals, once each").isEqualTo(12);
      }
    }
  }

  @Test
  void aRequestInFlightWhenTheServerStopsStillGetsItsAnswer() throws Exception {
    QuireServer server = QuireServer.start(TestServers.config(data, Map.of()), new SlowEncoder(1500));
    Http http = new Http(server.port(), TestServers.ADMIN);
    CompletableFuture<Http.Response> inFlight =
        CompletableFuture.supplyAsync(() -> http.post("/v1/embed/text", Map.of("text", "slow")));
    Thread.sleep(400);
    long start = System.nanoTime();
    server.close();
    Http.Response answer = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().path("embeddings").get(0).path("tokens").asInt()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void imageUrlsAreFetchedOnlyWhenEnabledAndPrivateHostsOnlyWhenAllowed() throws Exception {
    byte[] png = TestServers.png("green");
    HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    origin.createContext("/scan.png", exchange -> {
      exchange.sendResponseHeaders(200, png.length);
      exchange.getResponseBody().write(png);
      exchange.close();
    });
    origin.start();
    String url = "http://127.0.0.1:" + origin.getAddress().getPort();
    try {
      try (QuireServer strict = TestServers.start(data.resolve("strict"), Map.of("imageUrls.enabled", "true"))) {
        Http http = new Http(strict.port(), ACME_WRITE);
        Http.Response refused = http.post("/v1/index", Map.of("collection", "acme", "create", true, "urls", List.of(url + "/scan.png")));
        assertThat(refused.errorCode()).isEqualTo("URL_REFUSED");
        assertThat(refused.json().path("error").path("message").asText()).contains("127.0.0.1");
      }
      try (QuireServer open = TestServers.start(data.resolve("open"),
          Map.of("imageUrls.enabled", "true", "imageUrls.allowPrivateNetworks", "true"))) {
        Http http = new Http(open.port(), ACME_WRITE);
        Http.Response fetched = http.post("/v1/index", Map.of("collection", "acme", "create", true, "urls", List.of(url + "/scan.png")));
        assertThat(fetched.status()).as(fetched.body()).isEqualTo(202);
        JsonNode job = TestServers.awaitJob(http, fetched.json().path("id").asText(), Duration.ofSeconds(30));
        assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(job.path("documents").get(0).asText()).isEqualTo("scan.png");
        JsonNode embedded = http.post("/v1/embed/image", Map.of("image_url", url + "/scan.png")).json();
        assertThat(embedded.path("embeddings").get(0).path("tokens").asInt()).isEqualTo(16);
      }
    } finally {
      origin.stop(0);
    }
  }

  @Test
  void webhooksAreSignedAndRetriedUntilDelivered() throws Exception {
    String secret = "a-webhook-secret-of-some-length";
    List<String[]> received = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          int n = calls.incrementAndGet();
          received.add(
              new String[] {
                exchange.getRequestHeaders().getFirst(Webhooks.SIGNATURE_HEADER),
                exchange.getRequestHeaders().getFirst(Webhooks.TIMESTAMP_HEADER),
                new String(body, StandardCharsets.UTF_8)
              });
          exchange.sendResponseHeaders(n == 1 ? 503 : 204, -1); // the first attempt fails
          exchange.close();
        });
    receiver.start();
    try (QuireServer server =
        TestServers.start(
            data,
            Map.of(
                "webhooks.secret", secret,
                "webhooks.initialBackoff", "50ms",
                "webhooks.allowPrivateNetworks", "true"))) {
      Http http = new Http(server.port(), ACME_WRITE);
      String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
      Http.Response submitted =
          http.upload("/v1/index?collection=acme&create=true", Http.files("red.png", TestServers.png("red")), Map.of("webhook_url", hook));
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
      TestServers.awaitJob(http, submitted.json().path("id").asText(), Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (calls.get() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      receiver.stop(0);
    }
    assertThat(calls.get()).isEqualTo(2);
    String[] last = received.get(1);
    String expected =
        "sha256=" + Webhooks.sign(secret, last[1], last[2].getBytes(StandardCharsets.UTF_8));
    assertThat(last[0]).isEqualTo(expected);
    JsonNode payload = Http.JSON.readTree(last[2]);
    assertThat(payload.path("event").asText()).isEqualTo("job.completed");
    assertThat(payload.path("job").path("state").asText()).isEqualTo("COMPLETED");
    assertThat(received.get(0)[2]).as("the retry sends the same delivery").isEqualTo(last[2]);
  }

  @Test
  void aKeyOverItsRateLimitGets429WithRetryAfter() throws Exception {
    try (QuireServer server =
        TestServers.start(data, Map.of("rateLimit.requests", "5", "rateLimit.window", "1h"))) {
      Http acme = new Http(server.port(), ACME_WRITE);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        statuses.add(acme.get("/v1/collections").status());
      }
      assertThat(statuses).containsOnly(200);
      Http.Response limited = acme.get("/v1/collections");
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
      assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(3000L, 3600L);
      // Limits are per key: another key, and the open probes, are not affected.
      assertThat(acme.as(TestServers.GLOBEX_WRITE).get("/v1/collections").status()).isEqualTo(200);
      assertThat(acme.get("/live").status()).isEqualTo(200);
    }
  }

  @Test
  void cancellingARunningJobStopsItAndKeepsWhatWasStored() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      files.put("c" + i + ".png", TestServers.png(ColorTestEncoder.NAMES[i % 6]));
    }
    try (QuireServer server =
        QuireServer.start(TestServers.config(data, Map.of("limits.maxFilesPerRequest", "20")), new SlowEncoder(150))) {
      Http http = new Http(server.port(), ACME_WRITE);
      String id = http.upload("/v1/index?collection=acme&create=true", files, Map.of()).json().path("id").asText();
      awaitPagesDone(http, id, 2);
      Http.Response cancel = http.delete("/v1/jobs/" + id);
      assertThat(cancel.status()).isIn(200, 202);
      JsonNode job = TestServers.awaitJob(http, id, Duration.ofSeconds(30));
      assertThat(job.path("state").asText()).isEqualTo("CANCELLED");
      int indexed = http.get("/v1/documents?collection=acme").json().path("total").asInt();
      assertThat(indexed).isBetween(1, 9);
      assertThat(http.delete("/v1/jobs/" + id).errorCode()).isEqualTo("JOB_FINISHED");
    }
  }

  static void awaitPagesDone(Http http, String jobId, int pages) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = http.get("/v1/jobs/" + jobId).json();
      if (job.path("progress").path("pages_done").asInt() >= pages) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("job " + jobId + " did not reach " + pages + " pages");
  }
}
