package dev.quire.server.api;

import dev.quire.encoder.EncoderInfo;
import dev.quire.index.IndexStats;
import dev.quire.server.collections.Collection;
import dev.quire.server.jobs.JobState;
import io.javalin.http.Context;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Probes and documents anyone may read: {@code /live}, {@code /ready}, {@code /health} (totals
 * only, no collection names), the OpenAPI document; and {@code /metrics} for admin keys.
 */
final class HealthController {

  record Live(String status) {}

  record Ready(String status, List<String> problems) {}

  record Health(
      String status,
      String version,
      double uptimeSeconds,
      Views.Model model,
      String textModel,
      int collections,
      long documents,
      long pages,
      long pagesWithVectors,
      Jobs jobs,
      String ocr,
      List<String> problems) {}

  record Jobs(int queued, int running) {}

  private final ServerContext context;
  private volatile byte[] openApi;

  HealthController(ServerContext context) {
    this.context = context;
  }

  /** The OpenAPI document, once the routes it describes are registered. */
  void openApi(byte[] document) {
    this.openApi = document;
  }

  void live(Context ctx) {
    ctx.json(new Live("live"));
  }

  void ready(Context ctx) {
    List<String> problems = context.readiness().problems();
    ctx.status(problems.isEmpty() ? 200 : 503)
        .json(new Ready(problems.isEmpty() ? "ready" : "not_ready", problems));
  }

  void health(Context ctx) throws IOException {
    long documents = 0;
    long pages = 0;
    long vectors = 0;
    List<Collection> all = context.collections().all();
    for (Collection c : all) {
      IndexStats stats = c.quire().info();
      documents += stats.documents();
      pages += stats.pages();
      vectors += stats.pagesWithVectors();
    }
    List<String> problems = context.readiness().problems();
    EncoderInfo info = context.collections().encoder().map(e -> e.info()).orElse(null);
    String ocr = all.isEmpty() ? "unknown" : all.get(0).quire().ocrStatus();
    ctx.status(problems.isEmpty() ? 200 : 503)
        .json(
            new Health(
                problems.isEmpty() ? "healthy" : "unhealthy",
                version(),
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0,
                info == null ? null : new Views.Model(info.name(), info.checkpointHash(), info.dimension()),
                context.collections().textEmbedder().map(t -> t.info().name()).orElse(null),
                all.size(),
                documents,
                pages,
                vectors,
                new Jobs(
                    context.jobs().count(JobState.QUEUED), context.jobs().count(JobState.RUNNING)),
                ocr,
                problems));
  }

  void metrics(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(context.metrics().scrape());
  }

  void openApi(Context ctx) {
    ctx.contentType("application/json").result(openApi);
  }

  static String version() {
    String version = HealthController.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
