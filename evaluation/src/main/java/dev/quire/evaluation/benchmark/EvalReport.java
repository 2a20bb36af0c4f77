package dev.quire.evaluation.benchmark;

import dev.quire.evaluation.Metric;
import java.time.Instant;
import java.util.Collections;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything an evaluation produced and how: enough to reproduce it.
 *
 * @param command the command line as given
 * @param started when it started (UTC)
 * @param seconds how long it took
 * @param environment versions of Quire, Lucene, the JVM, the OS and CPU
 * @param model the model embedded with, if any
 * @param settings the run's settings
 * @param datasets per benchmark, in the order given
 * @param checks the committed expectations checked against this run
 */
public record EvalReport(
    String command,
    Instant started,
    double seconds,
    Map<String, String> environment,
    Optional<ModelInfo> model,
    EvalSettings settings,
    List<DatasetResult> datasets,
    List<ExpectationCheck> checks) {

  public EvalReport {
    environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    datasets = List.copyOf(datasets);
    checks = List.copyOf(checks);
  }

  public EvalReport withChecks(List<ExpectationCheck> newChecks) {
    return new EvalReport(command, started, seconds, environment, model, settings, datasets, newChecks);
  }

  /** False when an expectation failed. */
  public boolean expectationsMet() {
    return checks.stream().noneMatch(c -> c.status() == ExpectationCheck.Status.FAIL);
  }

  /**
   * The mean over datasets of each variant that ran on all of them: its primary scores (each
   * dataset's own primary metric, as leaderboards average them), every metric, search latency and
   * bytes per page.
   */
  public List<Average> averages() {
    List<Average> averages = new ArrayList<>();
    if (datasets.isEmpty()) {
      return averages;
    }
    for (VariantResult first : datasets.getFirst().variants()) {
      String name = first.variant().name();
      List<VariantResult> all = new ArrayList<>();
      for (DatasetResult dataset : datasets) {
        dataset.variant(name).ifPresent(all::add);
      }
      if (all.size() != datasets.size()) {
        continue;
      }
      Map<Metric, Double> metrics = new LinkedHashMap<>();
      for (Metric metric : first.evaluation().mean().keySet()) {
        metrics.put(metric, all.stream().mapToDouble(v -> v.mean(metric)).average().orElse(0));
      }
      averages.add(new Average(name, first.variant().representation(),
          all.stream().mapToDouble(VariantResult::primary).average().orElse(0), metrics,
          all.stream().mapToDouble(v -> v.search().p50()).average().orElse(0),
          all.stream().mapToDouble(v -> v.search().p95()).average().orElse(0),
          all.stream().mapToDouble(VariantResult::bytesPerPage).average().orElse(0)));
    }
    return averages;
  }

  /** One variant's means over the datasets. */
  public record Average(
      String variant,
      String representation,
      double primary,
      Map<Metric, Double> metrics,
      double searchP50,
      double searchP95,
      double bytesPerPage) {}
}
