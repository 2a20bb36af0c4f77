package dev.quire.evaluation.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.index.IndexStats;
import dev.quire.retrieval.Scorer;
import dev.quire.retrieval.SearchConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes an {@link EvalReport}: {@code report.json} (everything, full precision, MTEB metric names),
 * {@code report.md} (the comparison tables, like Vespa's DocVQA table, and the configuration), one
 * PNG plot per benchmark (and one of the averages), and the same tables as text for the console.
 */
public final class ReportWriter {

  public static final String JSON_FILE = "report.json";
  public static final String MARKDOWN_FILE = "report.md";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  /** Writes every file into the report's output folder; returns the files written. */
  public static List<Path> write(EvalReport report) throws IOException {
    Path out = report.settings().outputDirectory();
    Files.createDirectories(out);
    List<Path> files = new ArrayList<>();
    Path json = out.resolve(JSON_FILE);
    Files.writeString(json, JSON.writeValueAsString(json(report)) + "\n", StandardCharsets.UTF_8);
    files.add(json);
    List<String> plots = new ArrayList<>();
    for (DatasetResult dataset : report.datasets()) {
      List<QualityCostPlot.Point> points = dataset.variants().stream()
          .map(v -> new QualityCostPlot.Point(v.variant().name(), v.primary(), v.bytesPerPage(), v.search().p50()))
          .toList();
      List<Integer> cutoffs = report.settings().metrics().cutoffs();
      List<QualityCostPlot.RecallCurve> curves = dataset.variants().stream()
          .map(v -> new QualityCostPlot.RecallCurve(v.variant().name(),
              cutoffs.stream().mapToDouble(Integer::doubleValue).toArray(),
              cutoffs.stream().mapToDouble(k -> v.mean(new dev.quire.evaluation.Metric(
                  dev.quire.evaluation.Measure.RECALL, k))).toArray()))
          .toList();
      Path plot = out.resolve("plot-" + dataset.name() + ".png");
      QualityCostPlot.write(plot, dataset.name(), dataset.primaryMetric().toString(), points, curves);
      files.add(plot);
      plots.add(plot.getFileName().toString());
    }
    if (report.datasets().size() > 1 && !report.averages().isEmpty()) {
      Path plot = out.resolve("plot-average.png");
      QualityCostPlot.write(plot, "average", "primary score", report.averages().stream()
          .map(a -> new QualityCostPlot.Point(a.variant(), a.primary(), a.bytesPerPage(), a.searchP50()))
          .toList());
      files.add(plot);
    }
    Path markdown = out.resolve(MARKDOWN_FILE);
    Files.writeString(markdown, markdown(report), StandardCharsets.UTF_8);
    files.add(markdown);
    return files;
  }

  // ------------------------------------------------------------------------------------ tables

  /** The metric columns: the primary metric first, then the usual companions present. */
  static List<Metric> columns(Metric primary, Set<Metric> computed) {
    Set<Metric> columns = new LinkedHashSet<>();
    columns.add(primary);
    for (Metric m : List.of(new Metric(Measure.NDCG, 5), new Metric(Measure.NDCG, 10), new Metric(Measure.MRR, 10),
        new Metric(Measure.RECALL, 10), new Metric(Measure.RECALL, 100))) {
      if (computed.contains(m)) {
        columns.add(m);
      }
    }
    return List.copyOf(columns);
  }

  /** Header and rows of one benchmark's comparison; scores x 100 as leaderboards print them. */
  static List<List<String>> table(DatasetResult dataset) {
    List<List<String>> rows = new ArrayList<>();
    if (dataset.variants().isEmpty()) {
      return rows;
    }
    List<Metric> metrics = columns(dataset.primaryMetric(), dataset.variants().getFirst().evaluation().mean().keySet());
    List<String> header = new ArrayList<>(List.of("Variant", "Query x page"));
    for (Metric m : metrics) {
      header.add(m.equals(dataset.primaryMetric()) ? m + " *" : m.toString());
    }
    header.addAll(List.of("Search p50 ms", "p95 ms", "Bytes/page"));
    rows.add(header);
    for (VariantResult v : dataset.variants()) {
      List<String> row = new ArrayList<>(List.of(v.variant().name(), v.variant().representation()));
      for (Metric m : metrics) {
        row.add(score(v.mean(m)));
      }
      row.addAll(List.of(millis(v.search().p50()), millis(v.search().p95()), bytes(v.bytesPerPage())));
      rows.add(row);
    }
    return rows;
  }

  static List<List<String>> averageTable(EvalReport report) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("Variant", "Query x page", "Primary *", "Search p50 ms", "p95 ms", "Bytes/page"));
    for (EvalReport.Average a : report.averages()) {
      rows.add(List.of(a.variant(), a.representation(), score(a.primary()), millis(a.searchP50()),
          millis(a.searchP95()), bytes(a.bytesPerPage())));
    }
    return rows;
  }

  /** The tables as aligned text, for the console. */
  public static void printTables(EvalReport report, PrintWriter out) {
    for (DatasetResult dataset : report.datasets()) {
      out.printf(Locale.ROOT, "%n%s (%s): %d queries, %d pages; * = %s, scores x 100%n", dataset.name(),
          dataset.kind(), dataset.queries(), dataset.index().stats().pages(), dataset.primaryMetric());
      printAligned(table(dataset), out);
      for (String note : dataset.notes()) {
        out.println("  note: " + note);
      }
    }
    if (report.datasets().size() > 1) {
      out.printf(Locale.ROOT, "%nAverage over %d benchmarks (* = each benchmark's primary score)%n",
          report.datasets().size());
      printAligned(averageTable(report), out);
    }
  }

  private static void printAligned(List<List<String>> rows, PrintWriter out) {
    if (rows.isEmpty()) {
      return;
    }
    int[] widths = new int[rows.getFirst().size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder(" ");
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        // Names left, numbers right.
        line.append(' ').append(i < 2 ? pad(cell, widths[i], false) : pad(cell, widths[i], true));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String pad(String text, int width, boolean right) {
    String space = " ".repeat(width - text.length());
    return right ? space + text : text + space;
  }

  private static void markdownTable(List<List<String>> rows, StringBuilder md) {
    if (rows.isEmpty()) {
      return;
    }
    md.append("| ").append(String.join(" | ", rows.getFirst())).append(" |\n|");
    for (int i = 0; i < rows.getFirst().size(); i++) {
      md.append(i < 2 ? " --- |" : " ---: |");
    }
    md.append('\n');
    for (List<String> row : rows.subList(1, rows.size())) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
  }

  // ---------------------------------------------------------------------------------- markdown

  static String markdown(EvalReport report) {
    StringBuilder md = new StringBuilder("# Quire evaluation\n\n");
    md.append("`").append(report.command()).append("`\n\n");
    md.append(String.format(Locale.ROOT, "Started %s, took %.1f s. Model: %s.%n%n", report.started(),
        report.seconds(), report.model().map(m -> m.info().name() + " (checkpoint " + m.info().checkpointHash()
            + ", dimension " + m.info().dimension() + ")").orElse("none, so BM25 only")));
    md.append("Scores are x 100; * marks the primary score, as the benchmark's leaderboard names it. Latency is"
        + " the engine's search call per query, query encoding excluded; bytes per page count the index stores a"
        + " variant reads.\n");
    for (DatasetResult dataset : report.datasets()) {
      md.append("\n## ").append(dataset.name()).append(" (").append(dataset.kind()).append(")\n\n");
      IndexStats stats = dataset.index().stats();
      md.append("- Source: ").append(dataset.source()).append('\n');
      md.append("- Page text: ").append(dataset.pageText()).append('\n');
      md.append(String.format(Locale.ROOT, "- Primary score: %s (`%s`)%n", dataset.primaryMetric(),
          dataset.primaryMetric().mtebName()));
      md.append(String.format(Locale.ROOT, "- Queries: %d; pages: %d (%d with embeddings)%n", dataset.queries(),
          stats.pages(), stats.pagesWithVectors()));
      md.append(String.format(Locale.ROOT, "- Index: `%s`, %s%n", dataset.index().directory(),
          dataset.index().pagesIndexed() == 0
              ? "reused as built by an earlier run"
              : String.format(Locale.ROOT, "%d pages indexed in %.1f s", dataset.index().pagesIndexed(),
                  dataset.index().seconds())));
      md.append(String.format(Locale.ROOT,
          "- Index bytes per page: text index %s, binary codes %s, half-precision vectors %s, page text %s,"
              + " page images %s, thumbnails %s%n",
          bytes(stats.textIndex().bytesPerPage()), bytes(stats.binaryCodes().bytesPerPage()),
          bytes(stats.halfVectors().bytesPerPage()), bytes(stats.pageText().bytesPerPage()),
          bytes(stats.images().bytesPerPage()), bytes(stats.thumbnails().bytesPerPage())));
      dataset.encode().ifPresent(e -> md.append(String.format(Locale.ROOT,
          "- Query encoding: p50 %s ms, p95 %s ms%n", millis(e.p50()), millis(e.p95()))));
      md.append('\n');
      markdownTable(table(dataset), md);
      md.append('\n');
      for (VariantResult v : dataset.variants()) {
        md.append("- `").append(v.variant().name()).append("`: ").append(v.variant().description())
            .append(" (`").append(v.variant().signature()).append("`)");
        if (v.resumedQueries() > 0) {
          md.append("; ").append(v.resumedQueries()).append(" queries resumed from an earlier run");
        }
        md.append('\n');
      }
      for (String note : dataset.notes()) {
        md.append("- Note: ").append(note).append('\n');
      }
      md.append("\n![").append(dataset.name()).append(": quality against index size and latency, recall by cutoff](plot-")
          .append(dataset.name()).append(".png)\n");
    }
    if (report.datasets().size() > 1) {
      md.append("\n## Average over ").append(report.datasets().size()).append(" benchmarks\n\n");
      markdownTable(averageTable(report), md);
      md.append("\n![average: quality against index size and latency](plot-average.png)\n");
    }
    if (!report.checks().isEmpty()) {
      md.append("\n## Expectations\n\n```\n");
      for (ExpectationCheck check : report.checks()) {
        md.append(check.line()).append('\n');
      }
      md.append("```\n");
    }
    md.append("\n## Configuration\n\n");
    EvalSettings s = report.settings();
    md.append("- Results per query (k): ").append(s.k());
    if (s.k() < s.metrics().cutoffs().getLast()) {
      md.append(" (metrics at cutoffs above ").append(s.k()).append(" count the missing ranks as not relevant)");
    }
    md.append('\n');
    md.append(String.format(Locale.ROOT, "- Phased variants reorder ceil(depth %d x ratio) pages at ratios %s; the"
        + " pages held back follow in Hamming order, the engine shifting their scores below the reordered"
        + " ones so that scores sort every run into its rank order%n", s.depth(), s.ratios()));
    md.append("- Metrics at cutoffs ").append(s.metrics().cutoffs()).append(", relevance level ")
        .append(s.metrics().relevanceLevel()).append(", computed as pytrec_eval does\n");
    md.append(String.format(Locale.ROOT, "- Queries: %s; warm-up searches per variant: %d%n",
        s.queriesLimit() == 0 ? "all" : "first " + s.queriesLimit(), s.warmupQueries()));
    report.model().ifPresent(m -> md.append("- Model folder: `").append(m.directory()).append('`')
        .append(m.lora().map(l -> ", LoRA `" + l + "`").orElse("")).append('\n'));
    for (Map.Entry<String, String> e : report.environment().entrySet()) {
      md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    md.append("\nEvery query's ranked pages are in `runs/<benchmark>/<variant>.trec`; score any of them again"
        + " with `quire eval metrics --run <file> --qrels runs/<benchmark>/qrels.trec`.\n");
    return md.toString();
  }

  // -------------------------------------------------------------------------------------- json

  static ObjectNode json(EvalReport report) {
    Path out = report.settings().outputDirectory();
    ObjectNode root = JSON.createObjectNode();
    root.put("command", report.command());
    root.put("started", report.started().toString());
    root.put("seconds", report.seconds());
    ObjectNode env = root.putObject("environment");
    report.environment().forEach(env::put);
    if (report.model().isPresent()) {
      ModelInfo m = report.model().get();
      ObjectNode model = root.putObject("model");
      model.put("directory", m.directory().toString());
      model.put("lora", m.lora().map(Path::toString).orElse(null));
      model.put("name", m.info().name());
      model.put("checkpointHash", m.info().checkpointHash());
      model.put("dimension", m.info().dimension());
    } else {
      root.putNull("model");
    }
    EvalSettings s = report.settings();
    ObjectNode settings = root.putObject("settings");
    settings.put("k", s.k());
    settings.put("depth", s.depth());
    ArrayNode ratios = settings.putArray("ratios");
    s.ratios().forEach(ratios::add);
    settings.put("queriesLimit", s.queriesLimit());
    settings.put("warmupQueries", s.warmupQueries());
    ArrayNode cutoffs = settings.putArray("cutoffs");
    s.metrics().cutoffs().forEach(cutoffs::add);
    settings.put("relevanceLevel", s.metrics().relevanceLevel());
    settings.put("outputDirectory", s.outputDirectory().toAbsolutePath().normalize().toString());
    settings.put("cacheDirectory", s.cacheDirectory().toAbsolutePath().normalize().toString());

    ArrayNode datasets = root.putArray("datasets");
    for (DatasetResult d : report.datasets()) {
      ObjectNode node = datasets.addObject();
      node.put("name", d.name());
      node.put("kind", d.kind());
      node.put("source", d.source());
      node.put("pageText", d.pageText());
      ObjectNode primary = node.putObject("primaryMetric");
      primary.put("name", d.primaryMetric().toString());
      primary.put("mteb", d.primaryMetric().mtebName());
      node.put("queries", d.queries());
      if (!d.variants().isEmpty()) {
        node.put("evaluatedQueries", d.variants().getFirst().evaluation().queryCount());
      }
      node.put("qrels", relative(out, d.qrelsFile()));
      node.set("index", index(d.index()));
      if (d.encode().isPresent()) {
        node.set("queryEncodingMs", latency(d.encode().get()));
      } else {
        node.putNull("queryEncodingMs");
      }
      ArrayNode variants = node.putArray("variants");
      for (VariantResult v : d.variants()) {
        variants.add(variant(v, d.primaryMetric(), out));
      }
      ArrayNode notes = node.putArray("notes");
      d.notes().forEach(notes::add);
    }
    ArrayNode averages = root.putArray("average");
    if (report.datasets().size() > 1) {
      for (EvalReport.Average a : report.averages()) {
        ObjectNode node = averages.addObject();
        node.put("variant", a.variant());
        node.put("primary", a.primary());
        ObjectNode metrics = node.putObject("metrics");
        a.metrics().forEach((m, value) -> metrics.put(m.mtebName(), value));
        node.put("searchP50Ms", a.searchP50());
        node.put("searchP95Ms", a.searchP95());
        node.put("bytesPerPage", a.bytesPerPage());
      }
    }
    ArrayNode checks = root.putArray("expectations");
    for (ExpectationCheck c : report.checks()) {
      ObjectNode node = checks.addObject();
      node.put("dataset", c.dataset());
      node.put("subject", c.subject());
      node.put("status", c.status().name());
      putNumber(node, "expected", c.expected());
      putNumber(node, "actual", c.actual());
      node.put("line", c.line());
    }
    return root;
  }

  private static ObjectNode index(DatasetResult.IndexSummary index) {
    IndexStats stats = index.stats();
    ObjectNode node = JSON.createObjectNode();
    node.put("directory", index.directory().toAbsolutePath().normalize().toString());
    node.put("pages", stats.pages());
    node.put("pagesWithVectors", stats.pagesWithVectors());
    node.put("dimension", stats.dimension());
    node.put("pagesIndexed", index.pagesIndexed());
    node.put("documentsUnchanged", index.documentsUnchanged());
    node.put("reused", index.pagesIndexed() == 0);
    node.put("seconds", index.seconds());
    ArrayNode skipped = node.putArray("skipped");
    index.pagesSkipped().forEach(skipped::add);
    ObjectNode perPage = node.putObject("bytesPerPage");
    perPage.put("textIndex", stats.textIndex().bytesPerPage());
    perPage.put("pageText", stats.pageText().bytesPerPage());
    perPage.put("binaryCodes", stats.binaryCodes().bytesPerPage());
    perPage.put("halfVectors", stats.halfVectors().bytesPerPage());
    perPage.put("images", stats.images().bytesPerPage());
    perPage.put("thumbnails", stats.thumbnails().bytesPerPage());
    node.put("totalBytes", stats.totalBytes());
    return node;
  }

  private static ObjectNode variant(VariantResult v, Metric primary, Path out) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", v.variant().name());
    node.put("description", v.variant().description());
    node.put("representation", v.variant().representation());
    SearchConfig config = v.variant().search();
    ObjectNode search = node.putObject("search");
    search.put("firstStage", config.firstStage().label());
    ArrayNode scorers = search.putArray("scorers");
    config.scorers().stream().map(Scorer::label).forEach(scorers::add);
    search.put("depth", config.depth());
    search.put("prefilterRatio", config.prefilterRatio());
    search.put("rrfK", config.rrfK());
    node.put("k", v.variant().k());
    ArrayNode stores = node.putArray("stores");
    v.variant().stores().forEach(st -> stores.add(st.name().toLowerCase(Locale.ROOT)));
    node.put("primary", v.primary());
    ObjectNode metrics = node.putObject("metrics");
    v.evaluation().mean().forEach((m, value) -> metrics.put(m.mtebName(), value));
    node.set("searchMs", latency(v.search()));
    node.put("bytesPerPage", v.bytesPerPage());
    node.put("resumedQueries", v.resumedQueries());
    node.put("run", relative(out, v.runFile()));
    ObjectNode perQuery = node.putObject("perQueryPrimary");
    v.evaluation().perQuery().forEach((q, values) -> perQuery.put(q, values.get(primary)));
    return node;
  }

  private static ObjectNode latency(Latency latency) {
    ObjectNode node = JSON.createObjectNode();
    node.put("p50", latency.p50());
    node.put("p95", latency.p95());
    node.put("mean", latency.mean());
    node.put("count", latency.count());
    return node;
  }

  private static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private static String relative(Path base, Path file) {
    Path b = base.toAbsolutePath().normalize();
    Path f = file.toAbsolutePath().normalize();
    return f.startsWith(b) ? b.relativize(f).toString() : f.toString();
  }

  private static String score(double value) {
    return String.format(Locale.ROOT, "%.2f", value * 100);
  }

  private static String millis(double value) {
    return String.format(Locale.ROOT, value < 10 ? "%.3f" : "%.1f", value);
  }

  private static String bytes(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }
}
