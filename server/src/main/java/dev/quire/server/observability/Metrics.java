package dev.quire.server.observability;

import dev.quire.retrieval.SearchStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's meters, in Prometheus format: requests and latency per route, per-stage search
 * latency, indexing throughput, jobs, and the JVM (heap, direct and mapped buffers, GC, threads).
 */
public final class Metrics implements Closeable {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry); // heap, and the direct and mapped buffer pools
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public void request(String method, String route, int status, long nanos) {
    Timer.builder("http.server.requests")
        .description("HTTP requests by route")
        .tags("method", method, "route", route, "status", Integer.toString(status))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void search(String collection, SearchStats stats) {
    for (SearchStats.Stage stage : stats.stages()) {
      Timer.builder("quire.search.stage")
          .description("Time spent in each search stage")
          .tags("stage", stage.name())
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofNanos(100_000))
          .maximumExpectedValue(Duration.ofSeconds(10))
          .register(registry)
          .record((long) (stage.millis() * 1e6), TimeUnit.NANOSECONDS);
    }
    Counter.builder("quire.search.queries").tags("collection", collection).register(registry).increment();
  }

  public void pageIndexed(String collection) {
    Counter.builder("quire.indexing.pages")
        .description("Pages indexed (rate = indexing throughput)")
        .tags("collection", collection)
        .register(registry)
        .increment();
  }

  public void documentIndexed(String collection, String outcome) {
    Counter.builder("quire.indexing.documents")
        .tags("collection", collection, "outcome", outcome)
        .register(registry)
        .increment();
  }

  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(description).tags(tags).register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
