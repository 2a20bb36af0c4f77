package dev.quire.evaluation.benchmark;

import dev.quire.Quire;
import dev.quire.QuireConfig;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.evaluation.Evaluation;
import dev.quire.evaluation.Metrics;
import dev.quire.datasets.Qrels;
import dev.quire.evaluation.Run;
import dev.quire.evaluation.ScoredDoc;
import dev.quire.evaluation.format.BeirJsonFormat;
import dev.quire.evaluation.format.TrecQrelsFormat;
import dev.quire.evaluation.format.TrecRunFormat;
import dev.quire.datasets.vidore.EvalQuery;
import dev.quire.index.IndexStats;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchRequest;
import dev.quire.retrieval.SearchResults;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs benchmarks through the engine: indexes each corpus (reusing the index of an earlier run
 * for the same corpus, page text and model), searches every query under every variant, persisting
 * each result as it comes so a stopped run resumes, and scores the runs with {@link Metrics}.
 *
 * <p>Layout: indexes under {@code <cache>/indexes/<benchmark>-<key>}; in the output folder,
 * {@code journal/<benchmark>-<key>.jsonl} (finished searches, as the engine scored them) and
 * {@code runs/<benchmark>/} (the qrels, and one TREC run file per variant; the engine's scores
 * already sort a phased ranking into its order).
 */
public final class BenchmarkRunner {

  private final EvalSettings settings;
  private final MultiVectorEncoder encoder;
  private final Optional<ModelInfo> model;
  private final EvalListener listener;
  private final Metrics metrics;
  private final List<Variant> variants;

  /**
   * @param encoder the model, or null for BM25 alone; the runner does not close it
   * @param model what the encoder was loaded from, for the report (null without a model)
   * @throws IllegalArgumentException if {@link EvalSettings#variants()} names a variant this run does not have
   */
  public BenchmarkRunner(EvalSettings settings, MultiVectorEncoder encoder, ModelInfo model, EvalListener listener) {
    this(settings, encoder, model, null, listener);
  }

  /**
   * As above, with a text embedding model for the dense variants (null for none): pages gain text
   * vectors as they are indexed, and a cached index built without them gains them first.
   */
  public BenchmarkRunner(EvalSettings settings, MultiVectorEncoder encoder, ModelInfo model,
      dev.quire.textembedding.TextEmbedder textEmbedder, EvalListener listener) {
    this.textEmbedder = textEmbedder;
    if ((encoder == null) != (model == null)) {
      throw new IllegalArgumentException("an encoder needs its model info and the other way round");
    }
    this.settings = settings;
    this.encoder = encoder;
    this.model = Optional.ofNullable(model);
    this.listener = listener;
    this.metrics = new Metrics(settings.metrics());
    this.variants = variants(settings, encoder != null, textEmbedder != null);
  }

  private final dev.quire.textembedding.TextEmbedder textEmbedder;

  /** The variants a run compares: the ablations, filtered by {@link EvalSettings#variants()}. */
  private static List<Variant> variants(EvalSettings settings, boolean model, boolean text) {
    List<Variant> all = Variant.ablations(settings.k(), settings.depth(), settings.ratios(), model, text);
    if (settings.variants().isEmpty()) {
      return all;
    }
    List<String> known = all.stream().map(Variant::name).toList();
    for (String wanted : settings.variants()) {
      if (!known.contains(wanted)) {
        throw new IllegalArgumentException("unknown variant \"" + wanted + "\"; this run has " + known
            + (model ? "" : " (the others need --model)") + (text ? "" : " (dense ones need --text-model)"));
      }
    }
    return all.stream().filter(v -> settings.variants().contains(v.name())).toList();
  }

  /** Runs every benchmark and gathers the report (without expectation checks). */
  public EvalReport run(List<Benchmark> benchmarks, String command) throws IOException {
    Instant started = Instant.now();
    long start = System.nanoTime();
    Set<String> names = new HashSet<>();
    List<DatasetResult> results = new ArrayList<>();
    for (Benchmark benchmark : benchmarks) {
      if (!names.add(benchmark.name())) {
        throw new IllegalArgumentException("two benchmarks are named \"" + benchmark.name()
            + "\"; their run files would collide (" + benchmark.source() + ")");
      }
      results.add(run(benchmark));
    }
    return new EvalReport(command, started, (System.nanoTime() - start) / 1e9, RunEnvironment.describe(), model,
        settings, results, List.of());
  }

  private DatasetResult run(Benchmark benchmark) throws IOException {
    List<String> notes = new ArrayList<>();
    String modelKey = model.map(m -> stampKey(m.info())).orElse("no model");
    String key = shortHash(benchmark.indexKey() + "\n" + modelKey);
    Path indexDirectory = settings.cacheDirectory().resolve("indexes").resolve(benchmark.indexName() + "-" + key);
    QuireConfig config = QuireConfig.defaults(indexDirectory).withReader(benchmark.readerConfig());

    // One opening of the index for indexing and every variant: BM25 alone is the empty scorer chain.
    try (Quire quire = Quire.open(config, encoder, textEmbedder)) {
      DatasetResult.IndexSummary index = index(benchmark, quire, notes);
      if (textEmbedder != null) {
        int embedded = quire.reembedText((done, total) -> {});
        if (embedded > 0) {
          notes.add("embedded the text of " + embedded + " pages of the cached index with " + textEmbedder.info().name());
        }
      }
      return evaluate(benchmark, quire, key, index, notes);
    }
  }

  /** Searches the queries under every variant, resuming from the journal, and scores the runs. */
  private DatasetResult evaluate(Benchmark benchmark, Quire quire, String key, DatasetResult.IndexSummary index,
      List<String> notes) throws IOException {
    List<EvalQuery> queries = benchmark.queries();
    if (settings.queriesLimit() > 0 && queries.size() > settings.queriesLimit()) {
      queries = queries.subList(0, settings.queriesLimit());
      notes.add("--queries-limit " + settings.queriesLimit() + ": the first " + queries.size() + " queries only");
    }
    if (queries.isEmpty()) {
      throw new IOException(benchmark.name() + " has no queries");
    }
    Qrels qrels = benchmark.qrels();
    Path runs = settings.outputDirectory().resolve("runs").resolve(benchmark.name());
    Files.createDirectories(runs);
    Path qrelsFile = writeTrecOrJson(runs, "qrels", out -> TrecQrelsFormat.write(qrels, out),
        file -> BeirJsonFormat.writeQrels(qrels, file));

    Path journalFile = settings.outputDirectory().resolve("journal").resolve(benchmark.name() + "-" + key + ".jsonl");
    if (settings.fresh()) {
      Files.deleteIfExists(journalFile);
    }
    List<Searched> searched = new ArrayList<>();
    listener.searching(benchmark.name(), queries.size() * variants.size());
    // The model's variants search the same queries: each is embedded once, when first needed.
    Map<String, EmbeddedQuery> embedded = new HashMap<>();
    try (QueryJournal journal = QueryJournal.open(journalFile)) {
      for (Variant variant : variants) {
        searched.add(search(quire, benchmark, variant, queries, journal, embedded));
      }
    } finally {
      listener.searchingDone();
    }

    List<VariantResult> variantResults = new ArrayList<>();
    Map<String, Double> encodeMillis = new LinkedHashMap<>();
    for (Searched s : searched) {
      variantResults.add(score(benchmark, s, qrels, index.stats(), runs));
      if (s.variant().usesModel()) {
        for (QueryJournal.Entry entry : s.entries()) {
          encodeMillis.merge(entry.queryId(), entry.encodeMillis(), Math::max);
        }
      }
    }
    if (!variantResults.isEmpty()) {
      int unjudged = variantResults.getFirst().evaluation().unjudgedQueries().size();
      if (unjudged > 0) {
        notes.add(unjudged + " queries have no judgments and are not scored (as in pytrec_eval)");
      }
    }
    notes.addAll(benchmark.referenceNotes(quire, queries, metrics));
    Optional<Latency> encode = encodeMillis.isEmpty()
        ? Optional.empty()
        : Optional.of(Latency.of(encodeMillis.values().stream().mapToDouble(Double::doubleValue).toArray()));
    return new DatasetResult(benchmark.name(), benchmark.kind(), benchmark.source(), benchmark.pageText(),
        benchmark.primaryMetric(), queries.size(), index, encode, variantResults, benchmark.expectations(),
        qrelsFile, notes);
  }

  private DatasetResult.IndexSummary index(Benchmark benchmark, Quire quire, List<String> notes) throws IOException {
    Path directory = quire.config().index().directory();
    listener.message("Indexing " + benchmark.name() + " into " + directory);
    IndexReport report = benchmark.index(quire, listener.indexing(benchmark.name()));
    IndexStats stats = quire.info();
    List<String> skipped = report.skipped().stream().map(IndexReport.Skipped::toString).toList();
    if (!skipped.isEmpty()) {
      notes.add(skipped.size() + " pages could not be indexed; the first: " + skipped.getFirst());
    }
    if (stats.pages() == 0) {
      throw new IOException(benchmark.name() + ": no page could be indexed"
          + (skipped.isEmpty() ? "" : "; the first failure: " + skipped.getFirst()));
    }
    if (encoder == null) {
      notes.add("no model: BM25 only");
    }
    return new DatasetResult.IndexSummary(directory, report.pagesIndexed(), report.unchanged().size(), skipped,
        report.seconds(), stats);
  }

  /** One variant's searches: those in the journal, and the rest run now and journaled. */
  private record Searched(Variant variant, List<QueryJournal.Entry> entries, int resumed) {}

  /** A query's embedding and the milliseconds the model took to compute it. */
  private record EmbeddedQuery(MultiVector vectors, double millis) {}

  private Searched search(Quire quire, Benchmark benchmark, Variant variant, List<EvalQuery> queries,
      QueryJournal journal, Map<String, EmbeddedQuery> embedded) throws IOException {
    String id = variant.name() + " " + variant.signature();
    boolean pending = queries.stream().anyMatch(q -> journal.find(id, q.id()).isEmpty());
    // Untimed searches first, so the timed ones run compiled code; skipped when nothing is timed.
    for (int i = 0; i < (pending ? Math.min(settings.warmupQueries(), queries.size()) : 0); i++) {
      search(quire, benchmark, variant, queries.get(i), embedded);
    }
    List<QueryJournal.Entry> entries = new ArrayList<>(queries.size());
    int resumed = 0;
    for (EvalQuery query : queries) {
      Optional<QueryJournal.Entry> done = journal.find(id, query.id());
      if (done.isPresent()) {
        resumed++;
        entries.add(done.get());
        listener.searched(variant.name());
        continue;
      }
      SearchResults results = search(quire, benchmark, variant, query, embedded);
      // What the model took, even when a warm-up search or another variant paid for it.
      double encodeMillis = variant.usesModel() ? embedded.get(query.id()).millis() : 0;
      List<ScoredDoc> hits = new ArrayList<>(results.hits().size());
      Set<String> seen = new HashSet<>();
      for (SearchHit hit : results.hits()) {
        String page = benchmark.pageId(hit);
        if (seen.add(page)) {
          hits.add(new ScoredDoc(page, hit.score()));
        }
      }
      QueryJournal.Entry entry =
          new QueryJournal.Entry(id, query.id(), hits, results.stats().totalMillis(), encodeMillis);
      journal.append(entry);
      entries.add(entry);
      listener.searched(variant.name());
    }
    return new Searched(variant, entries, resumed);
  }

  /**
   * One search without snippets (a run needs none); the embedding is passed in, so the engine's
   * time excludes the model's.
   */
  private static SearchResults search(Quire quire, Benchmark benchmark, Variant variant, EvalQuery query,
      Map<String, EmbeddedQuery> embedded) throws IOException {
    SearchRequest request = new SearchRequest(query.text(), variant.k(), Set.of(), variant.search(), false);
    try {
      if (!variant.usesModel()) {
        return quire.search(request);
      }
      EmbeddedQuery embedding = embedded.computeIfAbsent(query.id(), id -> {
        long start = System.nanoTime();
        MultiVector vectors = quire.embedText(query.text()).multiVector();
        return new EmbeddedQuery(vectors, (System.nanoTime() - start) / 1e6);
      });
      return quire.search(request, embedding.vectors());
    } catch (RuntimeException e) {
      throw new IOException(benchmark.name() + ": query " + query.id() + " (\"" + query.text() + "\") failed under "
          + variant.name() + ": " + e.getMessage(), e);
    }
  }

  /** Scores one variant's run against the qrels and writes its run file. */
  private VariantResult score(Benchmark benchmark, Searched searched, Qrels qrels, IndexStats stats, Path runs)
      throws IOException {
    Variant variant = searched.variant();
    Run.Builder run = Run.builder();
    double[] searchMillis = new double[searched.entries().size()];
    int i = 0;
    for (QueryJournal.Entry entry : searched.entries()) {
      // A query that found nothing stays in the run and scores 0, as in the official evaluators.
      run.addQuery(entry.queryId());
      for (ScoredDoc hit : entry.hits()) {
        run.add(entry.queryId(), hit.docId(), hit.score());
      }
      searchMillis[i++] = entry.searchMillis();
    }
    Run built = run.build();
    Evaluation evaluation;
    try {
      evaluation = metrics.evaluate(qrels, built);
    } catch (IllegalArgumentException e) {
      throw new IOException(benchmark.name() + ": " + e.getMessage(), e);
    }
    return new VariantResult(variant, evaluation, evaluation.mean(benchmark.primaryMetric()),
        Latency.of(searchMillis), variant.bytesPerPage(stats), searched.resumed(),
        writeTrecOrJson(runs, variant.name(), out -> TrecRunFormat.write(built, out, "quire-" + variant.name()),
            file -> BeirJsonFormat.writeRun(built, file)));
  }

  /** Writes one format of run or qrels file to its target. */
  private interface FileFormat<T> {
    void write(T target) throws IOException;
  }

  /**
   * {@code <stem>.trec}; {@code <stem>.json} (BEIR) when an id has whitespace, which TREC files
   * cannot hold. The TREC text is built in memory first, so a refused id leaves no partial file.
   */
  private static Path writeTrecOrJson(Path folder, String stem, FileFormat<Writer> trec, FileFormat<Path> json)
      throws IOException {
    StringWriter text = new StringWriter();
    try {
      trec.write(text);
    } catch (IllegalArgumentException e) {
      Path file = folder.resolve(stem + ".json");
      json.write(file);
      return file;
    }
    Path file = folder.resolve(stem + ".trec");
    Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private static String stampKey(EncoderInfo info) {
    return info.name() + " " + info.checkpointHash() + " " + info.dimension();
  }

  /** Twelve hex digits of SHA-256: distinct for every corpus and model a machine will see. */
  static String shortHash(String text) {
    byte[] digest = ViDoReBenchmark.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest).substring(0, 12).toLowerCase(Locale.ROOT);
  }
}
