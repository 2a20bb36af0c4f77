package dev.quire.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.datasets.DocumentReader;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.generation.backend.Generators;
import dev.quire.server.api.ServerApp;
import dev.quire.server.api.ServerContext;
import dev.quire.server.collections.Collection;
import dev.quire.server.collections.Collections;
import dev.quire.server.jobs.Jobs;
import dev.quire.server.jobs.Webhooks;
import dev.quire.server.observability.AccessLog;
import dev.quire.server.observability.AuditLog;
import dev.quire.server.observability.Metrics;
import dev.quire.server.observability.Readiness;
import dev.quire.server.security.AllowedRoots;
import dev.quire.server.security.ApiKeys;
import dev.quire.server.security.RateLimiter;
import dev.quire.server.security.SignedUrls;
import dev.quire.server.security.UrlFetcher;
import dev.quire.server.security.UrlGuard;
import io.javalin.Javalin;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code quire serve} process: the collections, the job workers and the HTTP app, started in
 * that order and stopped gracefully in reverse (in-flight requests finish, running jobs save where
 * they are and resume at the next start).
 */
public final class QuireServer implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(QuireServer.class);

  /** How long a signed page-image link stays valid. */
  static final Duration LINK_LIFETIME = Duration.ofHours(1);

  private final ServerConfig config;
  private final List<AutoCloseable> resources;
  private final Readiness readiness;
  private final Jobs jobs;
  private final Javalin app;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean closed;

  private QuireServer(
      ServerConfig config, List<AutoCloseable> resources, Readiness readiness, Jobs jobs, Javalin app) {
    this.config = config;
    this.resources = resources;
    this.readiness = readiness;
    this.jobs = jobs;
    this.app = app;
  }

  /**
   * Opens the data directory, starts serving, resumes interrupted jobs, and seeds the sample
   * corpus in the background when configured.
   *
   * @param encoder the model to embed with; null serves BM25 only
   */
  public static QuireServer start(ServerConfig config, MultiVectorEncoder encoder) throws IOException {
    return start(config, encoder, Generators.none());
  }

  /**
   * As {@link #start(ServerConfig, MultiVectorEncoder)}, answering chats with {@code generators}
   * (opened and closed by the caller, as the encoder is).
   */
  public static QuireServer start(ServerConfig config, MultiVectorEncoder encoder,
      Generators generators) throws IOException {
    Clock clock = Clock.systemUTC();
    Path data = config.dataDirectory().toAbsolutePath();
    Files.createDirectories(data);
    Path temporary = data.resolve("tmp");
    deleteTree(temporary); // What a crash left behind.
    Files.createDirectories(temporary.resolve("multipart"));

    List<AutoCloseable> opened = new ArrayList<>();
    try {
      ObjectMapper json = Json.mapper(config.limits().maxJsonBytes());
      Metrics metrics = new Metrics();
      opened.add(metrics);
      AuditLog audit = new AuditLog(data.resolve("audit.jsonl"), json, clock);
      opened.add(audit);
      dev.quire.textembedding.TextEmbedder textEmbedder =
          dev.quire.textembedding.TextModels.open(config.textModel());
      if (textEmbedder != null) {
        opened.add(textEmbedder);
      }
      Collections collections = Collections.open(data, config.limits(), encoder, textEmbedder);
      opened.add(collections);
      DocumentReader reader = new DocumentReader(collections.readerConfig().withOcr(false));
      opened.add(reader);
      Webhooks webhooks =
          new Webhooks(
              config.webhooks(), new UrlGuard(config.webhooks().allowPrivateNetworks()), json, clock);
      opened.add(webhooks);
      Jobs jobs =
          new Jobs(collections, metrics, audit, webhooks, json, clock, config.http().shutdownTimeout());
      opened.add(jobs);
      Readiness readiness = new Readiness(config.model() != null, encoder != null);
      UrlFetcher fetcher =
          config.imageUrls().enabled()
              ? new UrlFetcher(
                  new UrlGuard(config.imageUrls().allowPrivateNetworks()), config.imageUrls().timeout())
              : null;
      metrics.gauge(
          "quire.index.store.bytes", "Size of the LMDB page stores (memory-mapped, off-heap)",
          () -> storeBytes(collections));
      metrics.gauge("quire.collections", "Open collections", () -> collections.all().size());
      ServerContext context =
          new ServerContext(
              config, collections, jobs, webhooks, new ApiKeys(config.apiKeys()),
              new RateLimiter(config.rateLimit()), new SignedUrls(LINK_LIFETIME, clock),
              new AllowedRoots(config.allowedRoots()), fetcher, reader, metrics, audit,
              new AccessLog(json), readiness, json, temporary, clock, generators);
      Javalin app = ServerApp.create(context);
      app.start(config.http().host(), config.http().port());
      QuireServer server = new QuireServer(config, opened, readiness, jobs, app);
      jobs.recover();
      readiness.started();
      if (config.sample().enabled()) {
        // A first start is ready once the sample can be searched (its first documents are in),
        // so a probe does not send traffic to a server whose only collection is still empty.
        // set once the seeding thread is done (started its job, found nothing to do, or failed)
        AtomicBoolean seeded = new AtomicBoolean();
        AtomicReference<String> sampleJob = new AtomicReference<>();
        if (SampleCorpus.pending(data)) {
          readiness.await(
              "indexing the sample corpus: nothing is searchable yet",
              () -> seeded.get() && sampleSearchable(collections, jobs, config.sample(), sampleJob.get()));
        }
        Thread.ofPlatform()
            .name("quire-sample")
            .daemon()
            .start(
                () -> {
                  try {
                    SampleCorpus.seed(config.sample(), data, collections, jobs, reader)
                        .ifPresent(job -> sampleJob.set(job.id()));
                  } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot set up the sample corpus: {}", e.toString());
                  } finally {
                    seeded.set(true);
                  }
                });
      }
      LOG.info(
          "serving {} collections from {} on {}", collections.all().size(), data, server.url());
      return server;
    } catch (IOException | RuntimeException e) {
      closeAll(opened.reversed(), e);
      throw e;
    }
  }

  /** Whether the sample's collection has pages to search, or its job ended without any. */
  private static boolean sampleSearchable(
      Collections collections, Jobs jobs, ServerConfig.Sample sample, String jobId) {
    if (jobId == null || jobs.get(jobId).map(j -> j.state().finished()).orElse(true)) {
      return true; // seeding failed (logged), was done before, or its job has ended
    }
    // a read of the document list, not info(): that walks the index directory on every probe
    return collections.get(sample.collection())
        .map(collection -> collection.quire().documents().stream().anyMatch(d -> d.pageCount() > 0))
        .orElse(false);
  }

  /** The HTTP app, for tests that look at its routes. */
  Javalin app() {
    return app;
  }

  public int port() {
    return app.port();
  }

  public URI url() {
    String host = config.http().host();
    String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
    return URI.create("http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port() + "/");
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops gracefully: readiness turns false, jobs are told to stop after their current page,
   * in-flight requests finish (up to the shutdown timeout), jobs save their state, then every
   * index is closed.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("stopping: finishing in-flight requests and checkpointing jobs");
    readiness.stopping();
    jobs.stop();
    try {
      app.stop();
    } catch (RuntimeException e) {
      LOG.warn("the HTTP server did not stop cleanly: {}", e.toString());
    }
    try {
      closeAll(resources.reversed(), null);
    } finally {
      stopped.countDown();
    }
  }

  private static void closeAll(List<AutoCloseable> resources, Exception primary) throws IOException {
    IOException failure = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else if (failure == null) {
          failure = e instanceof IOException io ? io : new IOException(e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static long storeBytes(Collections collections) {
    long total = 0;
    for (Collection c : collections.all()) {
      Path file = c.directory().resolve("index").resolve("pages").resolve("data.mdb");
      try {
        total += Files.exists(file) ? Files.size(file) : 0;
      } catch (IOException e) {
        // Replaced while we looked: counted at the next scrape.
      }
    }
    return total;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
