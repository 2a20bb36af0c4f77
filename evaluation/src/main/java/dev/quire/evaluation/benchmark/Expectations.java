package dev.quire.evaluation.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.evaluation.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Committed expected scores, checked against a run the way Anserini checks its regressions: one
 * {@code [OK]} or {@code [FAIL]} line per number. The files sit in this module's resources under
 * {@value #FOLDER}, one per benchmark: the settings they hold for, the index statistics (which must
 * match exactly), and per variant the expected metrics, under MTEB's names.
 *
 * <p>BM25 is deterministic, so its numbers are held to {@code tolerance} (1e-9, what survives the
 * platform's {@code Math.log}); a variant may set its own (the dense rows: a text model's floats
 * differ in the last bits between CPUs, which can swap near-tied pages). A change that moves a
 * number must update the file and say why in its {@code log}.
 */
public final class Expectations {

  static final String FOLDER = "/dev/quire/evaluation/regression/";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Expectations() {}

  /**
   * The committed expectations of a benchmark.
   *
   * @param name the resource's name, e.g. {@code synthetic}
   * @param otherSettings why the run is not checked against them, when its settings are not the ones
   *     they were recorded with
   */
  public record Committed(String name, Optional<String> otherSettings) {}

  /** Checks every dataset of the report that has committed expectations. */
  public static List<ExpectationCheck> check(EvalReport report) {
    List<ExpectationCheck> checks = new ArrayList<>();
    for (DatasetResult dataset : report.datasets()) {
      if (dataset.expectations().isEmpty()) {
        continue;
      }
      Committed committed = dataset.expectations().get();
      if (committed.otherSettings().isPresent()) {
        checks.add(skip(dataset.name(), "expectations", committed.otherSettings().get()));
      } else {
        checks.addAll(check(dataset, report.settings(), load(committed.name())));
      }
    }
    return checks;
  }

  static JsonNode load(String name) {
    String resource = FOLDER + name + ".json";
    try (InputStream in = Expectations.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no expectations resource " + resource + " in this build");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the expectations " + resource, e);
    }
  }

  static List<ExpectationCheck> check(DatasetResult dataset, EvalSettings settings, JsonNode expected) {
    String name = dataset.name();
    List<ExpectationCheck> checks = new ArrayList<>();
    int k = expected.path("settings").path("k").asInt();
    if (settings.k() != k || settings.queriesLimit() != 0) {
      checks.add(skip(name, "expectations", "they hold for k=" + k + " and every query, this run has k="
          + settings.k() + (settings.queriesLimit() != 0 ? " and --queries-limit " + settings.queriesLimit() : "")));
      return checks;
    }
    double tolerance = expected.path("tolerance").asDouble();
    checks.add(exact(name, "pages", expected.path("index").path("pages").asLong(), dataset.index().stats().pages()));
    checks.add(exact(name, "queries", expected.path("index").path("queries").asLong(), dataset.queries()));
    for (Map.Entry<String, JsonNode> variant : expected.path("variants").properties()) {
      Optional<VariantResult> result = dataset.variant(variant.getKey());
      if (result.isEmpty()) {
        checks.add(skip(name, variant.getKey(), "did not run"));
        continue;
      }
      // a variant may hold its own tolerance: a text model's floats vary a little between CPUs
      double variantTolerance = variant.getValue().path("tolerance").asDouble(tolerance);
      for (Map.Entry<String, JsonNode> metric : variant.getValue().properties()) {
        if (metric.getKey().equals("tolerance")) {
          continue;
        }
        Metric m = Metric.parse(metric.getKey());
        double want = metric.getValue().asDouble();
        double got = result.get().mean(m);
        boolean ok = Math.abs(got - want) <= variantTolerance;
        checks.add(new ExpectationCheck(name, variant.getKey() + " " + m, ok ? ExpectationCheck.Status.OK
            : ExpectationCheck.Status.FAIL, want, got, ok ? "" : "tolerance " + variantTolerance));
      }
    }
    return checks;
  }

  private static ExpectationCheck exact(String dataset, String subject, long want, long got) {
    return new ExpectationCheck(dataset, subject,
        want == got ? ExpectationCheck.Status.OK : ExpectationCheck.Status.FAIL, want, got,
        want == got ? "" : "index statistics must match exactly");
  }

  private static ExpectationCheck skip(String dataset, String subject, String reason) {
    return new ExpectationCheck(dataset, subject, ExpectationCheck.Status.SKIP, Double.NaN, Double.NaN, reason);
  }
}
