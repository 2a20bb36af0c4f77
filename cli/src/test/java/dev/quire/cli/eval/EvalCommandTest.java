package dev.quire.cli.eval;

import static dev.quire.datasets.vidore.ParquetFixtures.writeTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.ColorTestEncoder;
import dev.quire.datasets.OcrConfig;
import dev.quire.datasets.OcrEngine;
import dev.quire.encoder.MultiVector;
import dev.quire.evaluation.Evaluation;
import dev.quire.evaluation.Metric;
import dev.quire.evaluation.Metrics;
import dev.quire.evaluation.MetricsConfig;
import dev.quire.evaluation.Run;
import dev.quire.evaluation.ScoredDoc;
import dev.quire.evaluation.format.TrecRunFormat;
import dev.quire.datasets.vidore.CorpusPage;
import dev.quire.datasets.vidore.EvalDataset;
import dev.quire.datasets.vidore.EvalQuery;
import dev.quire.retrieval.kernels.ReferenceMaxSim;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire eval} on the tiny ViDoRe fixtures of all three versions with {@link ColorTestEncoder},
 * whose MaxSim scores the test recomputes from the encoder itself. The fixtures' pages are solid
 * colours and their queries name none, so the model ranks pages by random but fixed query vectors;
 * v3 has markdown, v1 and v2 no text (OCR off), so BM25 finds nothing there.
 */
class EvalCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final EncoderLoader COLOURS = (model, lora) -> new ColorTestEncoder();
  private static final List<String> VARIANTS =
      List.of("bm25", "float", "hamming", "asymmetric", "phased-10", "phased-20", "phased-50", "hybrid");

  @TempDir static Path dir;
  static Path out;
  static Path cache;
  static Result first;
  static JsonNode report;

  record Result(int code, String out, String err) {}

  /** The datasets module's ViDoRe mini datasets: folders, so read in place rather than from its test jar. */
  static Path fixture(String name) {
    return Path.of("../datasets/src/test/resources/vidore").resolve(name).toAbsolutePath().normalize();
  }

  static Result eval(EncoderLoader loader, String... args) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = EvalCommand.run(new PrintWriter(stdout), new PrintWriter(stderr), loader, args);
    return new Result(code, stdout.toString(), stderr.toString());
  }

  static String[] allThree(Path output, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--dataset", fixture("v1/docvqa_mini").toString(),
        "--dataset", fixture("v2/esg_mini").toString(),
        "--dataset", fixture("v3/hr_mini").toString(),
        "--model", dir.resolve("colour-model").toString(),
        "--out", output.toString(), "--cache", cache.toString(),
        "--quiet", "--warmup", "0", "--ocr", "off"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  static JsonNode readReport(Path output) throws IOException {
    return JSON.readTree(output.resolve("report.json").toFile());
  }

  static JsonNode dataset(JsonNode report, String name) {
    for (JsonNode d : report.get("datasets")) {
      if (d.get("name").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError("no dataset " + name);
  }

  static JsonNode variant(JsonNode dataset, String name) {
    for (JsonNode v : dataset.get("variants")) {
      if (v.get("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no variant " + name);
  }

  @BeforeAll
  static void evaluateTheThreeFixtures() throws IOException {
    out = dir.resolve("out");
    cache = dir.resolve("cache");
    first = eval(COLOURS, allThree(out));
    assertThat(first.code()).as(first.err()).isZero();
    report = readReport(out);
  }

  @Test
  void theCacheFollowsXdgCacheHomeWhenItIsSet() {
    assertThat(EvalCommand.defaultCache("/var/cache/me", "/home/me")).isEqualTo(Path.of("/var/cache/me/quire/eval"));
    assertThat(EvalCommand.defaultCache(null, "/home/me")).isEqualTo(Path.of("/home/me/.cache/quire/eval"));
    assertThat(EvalCommand.defaultCache(" ", "/home/me")).isEqualTo(Path.of("/home/me/.cache/quire/eval"));
  }

  @Test
  void printsOneComparisonTablePerDatasetAndTheirAverage() {
    assertThat(first.out())
        .contains("docvqa_mini (ViDoRe v1): 4 queries, 7 pages; * = nDCG@5, scores x 100")
        .contains("esg_mini (ViDoRe v2): 3 queries, 5 pages; * = nDCG@5, scores x 100")
        .contains("hr_mini (ViDoRe v3): 4 queries, 6 pages; * = nDCG@10, scores x 100")
        .contains("Average over 3 benchmarks")
        .contains("Wrote " + out.resolve("report.json"))
        .contains("Wrote " + out.resolve("report.md"));
    String v3Table = first.out().substring(first.out().indexOf("hr_mini (ViDoRe v3)"));
    List<String> rows = v3Table.lines().skip(2).limit(VARIANTS.size()).map(l -> l.strip().split(" +")[0]).toList();
    assertThat(rows).containsExactlyElementsOf(VARIANTS);
  }

  @Test
  void bm25RanksTheV3PagesByTheirMarkdownWords() throws IOException {
    // English analysis: q0 keeps employ, rate, 2024: page 1 ("Rate", the shortest text) first, then
    // page 4 ("2024", the same form in the exact-word field) above page 0 ("Employment", a stem).
    // q1 is French, and only its "2024" matches; q2 matches "pension expenditure" on page 4; q3,
    // German, matches nothing and scores 0.
    assertThat(docs(out.resolve("runs/hr_mini/bm25.trec"))).isEqualTo(Map.of(
        "0", List.of("1", "4", "0"), "1", List.of("4"), "2", List.of("4")));
    Run run = TrecRunFormat.read(out.resolve("runs/hr_mini/bm25.trec"));
    assertThat(run.scores("0").get("4")).isGreaterThan(run.scores("0").get("0"));
    assertThat(run.scores("0").get("1")).isGreaterThan(run.scores("0").get("4"));

    // Qrels: q0 {0: 2, 1: 1}, q1 {0: 2, 1: 1}, q2 {4: 2}, q3 {4: 2, 3: 1}.
    double log3 = Math.log(3) / Math.log(2);
    double q0 = (1.0 + 2.0 / 2) / (2 + 1 / log3); // gains 1 at rank 1 and 2 at rank 3
    double ndcg10 = (q0 + 0 + 1 + 0) / 4;
    JsonNode bm25 = variant(dataset(report, "hr_mini"), "bm25");
    assertThat(bm25.get("metrics").get("ndcg_at_10").asDouble()).isCloseTo(ndcg10, within(1e-12));
    assertThat(bm25.get("primary").asDouble()).isCloseTo(ndcg10, within(1e-12));
    // q0 finds both its pages, q2 its one; q1 (French) finds only page 4, which it is not about.
    assertThat(bm25.get("metrics").get("recall_at_100").asDouble()).isCloseTo((1.0 + 0 + 1 + 0) / 4, within(1e-12));
    assertThat(bm25.get("metrics").get("mrr_at_10").asDouble()).isCloseTo((1.0 + 0 + 1 + 0) / 4, within(1e-12));
  }

  @Test
  void everyExhaustiveScorerRanksPagesAsTheReferenceKernelsScoreTheEncodersVectors() throws IOException {
    // Tolerances: the engine's float scorer reads the half-precision page copy; the other two
    // differ from the double-precision reference only by float rounding.
    Map<String, Double> tolerance = Map.of("float", 2e-3, "asymmetric", 1e-4, "hamming", 1e-5);
    for (String name : List.of("v1/docvqa_mini", "v2/esg_mini", "v3/hr_mini")) {
      EvalDataset dataset = EvalDataset.open(fixture(name));
      String benchmark = name.substring(3);
      for (String variant : tolerance.keySet()) {
        Run reference = referenceRun(dataset, variant);
        Run engine = TrecRunFormat.read(out.resolve("runs/" + benchmark + "/" + variant + ".trec"));
        for (String query : reference.queryIds()) {
          String what = benchmark + " " + variant + " query " + query;
          // Every page gets the reference score, so the engine's order is the reference order up to
          // pages whose exact scores tie and whose float roundings do not (Hamming sums of 1/(1+d)).
          Map<String, Double> got = engine.scores(query);
          assertThat(got.keySet()).as(what).isEqualTo(reference.scores(query).keySet());
          reference.scores(query).forEach((page, score) ->
              assertThat(got.get(page)).as(what + " " + page).isCloseTo(score, within(tolerance.get(variant))));
          if (variant.equals("float")) {
            assertThat(engine.ranking(query)).extracting(ScoredDoc::docId).as(what)
                .containsExactlyElementsOf(reference.ranking(query).stream().map(ScoredDoc::docId).toList());
          }
        }
        // The report's metrics are those of the run file, as pytrec_eval would compute them.
        Evaluation expected = new Metrics(MetricsConfig.DEFAULT).evaluate(dataset.qrels(), engine);
        JsonNode metrics = variant(dataset(report, benchmark), variant).get("metrics");
        for (Map.Entry<Metric, Double> mean : expected.mean().entrySet()) {
          assertThat(metrics.get(mean.getKey().mtebName()).asDouble()).as(benchmark + " " + variant + " " + mean.getKey())
              .isEqualTo(mean.getValue());
        }
        if (variant.equals("float")) {
          Evaluation fromReference = new Metrics(MetricsConfig.DEFAULT).evaluate(dataset.qrels(), reference);
          assertThat(fromReference.mean()).isEqualTo(expected.mean());
        }
      }
    }
  }

  @Test
  void withoutPageTextBm25FindsNothingInV1AndV2() {
    for (String name : List.of("docvqa_mini", "esg_mini")) {
      JsonNode dataset = dataset(report, name);
      assertThat(dataset.get("pageText").asText()).startsWith("none: the dataset has no page text and OCR is off");
      assertThat(variant(dataset, "bm25").get("metrics")).allSatisfy(v -> assertThat(v.asDouble()).isZero());
    }
    assertThat(dataset(report, "hr_mini").get("pageText").asText()).isEqualTo("the dataset's markdown column");
  }

  @Test
  void theReportRecordsModelSettingsVersionsLatencyAndIndexSizes() throws IOException {
    assertThat(report.get("command").asText()).startsWith("quire eval --dataset ");
    assertThat(report.at("/model/name").asText()).isEqualTo("color-test-encoder");
    assertThat(report.at("/model/checkpointHash").asText()).isEqualTo("sha256:test-color-test-encoder");
    assertThat(report.at("/model/dimension").asInt()).isEqualTo(ColorTestEncoder.DIM);
    assertThat(report.at("/settings/k").asInt()).isEqualTo(100);
    assertThat(report.at("/environment/lucene").asText()).isNotBlank();
    assertThat(report.at("/environment/java").asText()).startsWith(Runtime.version().feature() + "");
    assertThat(dataset(report, "docvqa_mini").at("/primaryMetric/mteb").asText()).isEqualTo("ndcg_at_5");
    assertThat(dataset(report, "esg_mini").at("/primaryMetric/mteb").asText()).isEqualTo("ndcg_at_5");
    assertThat(dataset(report, "hr_mini").at("/primaryMetric/mteb").asText()).isEqualTo("ndcg_at_10");
    for (JsonNode dataset : report.get("datasets")) {
      int queries = dataset.get("queries").asInt();
      assertThat(dataset.at("/index/pagesWithVectors").asInt()).isEqualTo(dataset.at("/index/pages").asInt());
      assertThat(dataset.at("/queryEncodingMs/count").asInt()).isEqualTo(queries);
      assertThat(dataset.get("variants")).extracting(v -> v.get("name").asText()).containsExactlyElementsOf(VARIANTS);
      for (JsonNode v : dataset.get("variants")) {
        assertThat(v.at("/searchMs/count").asInt()).isEqualTo(queries);
        assertThat(v.at("/searchMs/p50").asDouble()).isPositive().isLessThanOrEqualTo(v.at("/searchMs/p95").asDouble());
        assertThat(out.resolve(v.get("run").asText())).isRegularFile();
      }
      double binary = dataset.at("/index/bytesPerPage/binaryCodes").asDouble();
      double half = dataset.at("/index/bytesPerPage/halfVectors").asDouble();
      assertThat(binary).isPositive().isLessThan(half);
      assertThat(variant(dataset, "hamming").get("bytesPerPage").asDouble()).isEqualTo(binary);
      assertThat(variant(dataset, "float").get("bytesPerPage").asDouble()).isEqualTo(half);
      assertThat(variant(dataset, "phased-20").get("bytesPerPage").asDouble()).isEqualTo(binary + half);
      // Phased rankings are whole: the pages Hamming held back follow the reordered ones.
      assertThat(variant(dataset, "phased-10").get("k").asInt()).isEqualTo(100);
      assertThat(variant(dataset, "phased-10").at("/search/scorers").toString()).isEqualTo("[\"hamming\",\"half\"]");
    }
    assertThat(report.get("average")).hasSize(VARIANTS.size());

    String markdown = Files.readString(out.resolve("report.md"));
    assertThat(markdown)
        .contains("| Variant | Query x page | nDCG@10 * | nDCG@5 | MRR@10 | Recall@10 | Recall@100 | Search p50 ms"
            + " | p95 ms | Bytes/page |")
        .contains("| hamming | binary x binary |")
        .contains("| hybrid | bm25 > hamming > float x half |")
        .contains("![hr_mini: quality against index size and latency, recall by cutoff](plot-hr_mini.png)")
        .contains("## Average over 3 benchmarks")
        .contains("Model folder: `" + dir.resolve("colour-model") + "`");
    for (String plot : List.of("plot-docvqa_mini.png", "plot-esg_mini.png", "plot-hr_mini.png", "plot-average.png")) {
      BufferedImage image = ImageIO.read(out.resolve(plot).toFile());
      assertThat(image).as(plot).isNotNull();
      // quality vs size, quality vs latency, and (per dataset) recall against the cutoff
      assertThat(image.getWidth()).isEqualTo(plot.equals("plot-average.png") ? 1280 : 1920);
    }
  }

  @Test
  void aPhasedRankingReordersTheBestByHammingAndKeepsTheRestInHammingOrder() throws IOException {
    Path phasedOut = dir.resolve("phased");
    Result result = eval(COLOURS, "--dataset", fixture("v1/docvqa_mini").toString(), "--model", "m",
        "--out", phasedOut.toString(), "--cache", cache.toString(), "--quiet", "--warmup", "0", "--ocr", "off",
        "--depth", "4", "--ratios", "0.5", "--variants", "hamming,float,phased-2");
    assertThat(result.code()).as(result.err()).isZero();
    Path runs = phasedOut.resolve("runs/docvqa_mini");
    Run hamming = TrecRunFormat.read(runs.resolve("hamming.trec"));
    Run floats = TrecRunFormat.read(runs.resolve("float.trec"));
    Run phased = TrecRunFormat.read(runs.resolve("phased-2.trec"));
    assertThat(phased.queryIds()).hasSize(4);
    for (String query : phased.queryIds()) {
      // Every page is ranked: ceil(4 x 0.5) = 2 reordered by float MaxSim, the other 5 after them.
      List<String> ranking = phased.ranking(query).stream().map(ScoredDoc::docId).toList();
      assertThat(ranking).as(query).hasSize(7).containsExactlyInAnyOrderElementsOf(floats.scores(query).keySet());
      List<String> head = ranking.subList(0, 2);
      List<String> tail = ranking.subList(2, 7);
      Map<String, Double> byHamming = hamming.scores(query);
      double worstHead = head.stream().mapToDouble(byHamming::get).min().orElseThrow();
      assertThat(tail).as(query).allSatisfy(page -> assertThat(byHamming.get(page)).isLessThanOrEqualTo(worstHead));
      // The head carries its float scores, in their order; the tail keeps Hamming's order.
      for (String page : head) {
        assertThat(phased.scores(query).get(page)).as(query + " " + page).isEqualTo(floats.scores(query).get(page));
      }
      assertThat(floats.scores(query).get(head.get(0))).isGreaterThanOrEqualTo(floats.scores(query).get(head.get(1)));
      for (int i = 1; i < tail.size(); i++) {
        assertThat(byHamming.get(tail.get(i))).as(query).isLessThanOrEqualTo(byHamming.get(tail.get(i - 1)));
      }
    }
  }

  @Test
  void aSecondRunReusesTheIndexesAndResumesEverySearch() throws IOException {
    Path again = dir.resolve("again");
    copyJournal(out, again);
    Result second = eval(COLOURS, allThree(again));
    assertThat(second.code()).as(second.err()).isZero();
    JsonNode rerun = readReport(again);
    for (JsonNode dataset : rerun.get("datasets")) {
      assertThat(dataset.at("/index/reused").asBoolean()).isTrue();
      assertThat(dataset.at("/index/pagesIndexed").asInt()).isZero();
      for (JsonNode v : dataset.get("variants")) {
        assertThat(v.get("resumedQueries").asInt()).isEqualTo(dataset.get("queries").asInt());
        JsonNode before = variant(dataset(report, dataset.get("name").asText()), v.get("name").asText());
        assertThat(v.get("metrics")).isEqualTo(before.get("metrics"));
      }
    }
  }

  @Test
  void aRunStoppedMidSearchResumesWhereItStopped() throws IOException {
    Path stopped = dir.resolve("stopped");
    String[] args = {"--dataset", fixture("v3/hr_mini").toString(), "--model", "m", "--out", stopped.toString(),
        "--cache", cache.toString(), "--quiet", "--warmup", "0", "--ocr", "off", "--variants", "float,hamming"};
    assertThat(eval(COLOURS, args).code()).isZero();
    Path journal;
    try (Stream<Path> files = Files.list(stopped.resolve("journal"))) {
      journal = files.findFirst().orElseThrow();
    }
    // As if killed while writing the sixth line: five searches done, the sixth half written.
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(8);
    Files.writeString(journal, String.join("\n", lines.subList(0, 5)) + "\n" + lines.get(5).substring(0, 30),
        StandardCharsets.UTF_8);

    Result resumed = eval(COLOURS, args);
    assertThat(resumed.code()).as(resumed.err()).isZero();
    JsonNode v3 = dataset(readReport(stopped), "hr_mini");
    assertThat(variant(v3, "float").get("resumedQueries").asInt()).isEqualTo(4);
    assertThat(variant(v3, "hamming").get("resumedQueries").asInt()).isEqualTo(1);
    for (String name : List.of("float", "hamming")) {
      assertThat(variant(v3, name).get("metrics")).isEqualTo(variant(dataset(report, "hr_mini"), name).get("metrics"));
    }
    assertThat(Files.readAllLines(journal, StandardCharsets.UTF_8)).hasSize(8);
  }

  @Test
  void queriesLimitSearchesTheFirstQueriesOnly() throws IOException {
    Path limited = dir.resolve("limited");
    Result result = eval(COLOURS, "--dataset", fixture("v3/hr_mini").toString(), "--out", limited.toString(),
        "--cache", cache.toString(), "--quiet", "--warmup", "0", "--ocr", "off", "--queries-limit", "2");
    assertThat(result.code()).as(result.err()).isZero();
    JsonNode v3 = dataset(readReport(limited), "hr_mini");
    assertThat(v3.get("queries").asInt()).isEqualTo(2);
    assertThat(v3.get("evaluatedQueries").asInt()).isEqualTo(2);
    assertThat(v3.get("variants")).extracting(v -> v.get("name").asText()).containsExactly("bm25");
    assertThat(v3.get("notes").toString()).contains("--queries-limit 2: the first 2 queries only")
        .contains("no model: BM25 only");
    assertThat(docs(limited.resolve("runs/hr_mini/bm25.trec")).keySet()).containsExactlyInAnyOrder("0", "1");
  }

  @Test
  void aCorruptJournalLineIsQuotedWithItsFileAndLine() throws IOException {
    Path corrupt = dir.resolve("corrupt");
    String[] args = {"--dataset", fixture("v3/hr_mini").toString(), "--out", corrupt.toString(),
        "--cache", cache.toString(), "--quiet", "--warmup", "0", "--ocr", "off"};
    assertThat(eval(COLOURS, args).code()).isZero();
    Path journal;
    try (Stream<Path> files = Files.list(corrupt.resolve("journal"))) {
      journal = files.findFirst().orElseThrow();
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(journal, StandardCharsets.UTF_8));
    lines.set(1, "{\"variant\": 7}");
    Files.write(journal, lines, StandardCharsets.UTF_8);
    Result result = eval(COLOURS, args);
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err()).startsWith("quire eval: error: " + journal + ":2: not a journal line")
        .contains("run with --fresh");
    assertThat(eval(COLOURS, append(args, "--fresh")).code()).isZero();
  }

  @Test
  void badArgumentsAreRefusedNamingWhatIsWrong() {
    Path nowhere = dir.resolve("no-such-dataset");
    Result missing = eval(COLOURS, "--dataset", nowhere.toString(), "--out", dir.resolve("x").toString(),
        "--cache", cache.toString(), "--quiet");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).startsWith("quire eval: error: not a ViDoRe dataset folder: " + nowhere);

    Result nothing = eval(COLOURS, "--quiet");
    assertThat(nothing.code()).isEqualTo(2);
    assertThat(nothing.err()).contains("nothing to evaluate: give --dataset DIR, --known-item DIR or --builtin synthetic");

    Result unknownBuiltin = eval(COLOURS, "--builtin", "docvqa");
    assertThat(unknownBuiltin.code()).isEqualTo(2);
    assertThat(unknownBuiltin.err()).contains("unknown built-in benchmark \"docvqa\"; there is: synthetic");

    Result loraAlone = eval(COLOURS, "--builtin", "synthetic", "--lora", "adapter");
    assertThat(loraAlone.code()).isEqualTo(2);
    assertThat(loraAlone.err()).contains("--lora adapter needs --model");

    Result unknownVariant = eval(COLOURS, "--dataset", fixture("v3/hr_mini").toString(), "--variants", "float",
        "--out", dir.resolve("y").toString(), "--cache", cache.toString(), "--quiet");
    assertThat(unknownVariant.code()).isEqualTo(1);
    assertThat(unknownVariant.err()).contains("unknown variant \"float\"; this run has [bm25] (the others need --model)");

    Result noLoader = eval(EncoderLoader.NONE, "--dataset", fixture("v3/hr_mini").toString(), "--model", "ckpt",
        "--out", dir.resolve("z").toString(), "--cache", cache.toString(), "--quiet");
    assertThat(noLoader.code()).isEqualTo(1);
    assertThat(noLoader.err()).contains("--model ckpt: this quire build has no model loader");
  }

  @Test
  void ocrOnReadsPagesWithoutTextOrSaysWhyItCannot() throws IOException {
    Path ocrOut = dir.resolve("ocr");
    Result result = eval(COLOURS, "--dataset", fixture("v2/esg_mini").toString(), "--out", ocrOut.toString(),
        "--cache", cache.toString(), "--quiet", "--warmup", "0", "--ocr", "on");
    boolean tesseract;
    try (OcrEngine engine = OcrEngine.tesseract(OcrConfig.defaults())) {
      tesseract = engine.available();
    }
    if (tesseract) {
      assertThat(result.code()).as(result.err()).isZero();
      // Solid colour pages hold no words: OCR runs and finds none.
      JsonNode v2 = dataset(readReport(ocrOut), "esg_mini");
      assertThat(v2.get("pageText").asText()).startsWith("OCR (Tesseract");
      assertThat(v2.at("/index/pages").asInt()).isEqualTo(5);
    } else {
      assertThat(result.code()).isEqualTo(1);
      assertThat(result.err()).startsWith("quire eval: error: --ocr on, but OCR is not available: ");
    }
  }

  @Test
  void anUndecodablePageIsSkippedAndReportedWhileTheRestIsEvaluated() throws IOException {
    Path dataset = dir.resolve("broken_v3");
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(ColorTestEncoder.solid("red", 8, 8), "png", png);
    writeTable(dataset.resolve("corpus"), """
        message schema {
          optional int64 corpus_id;
          optional group image { optional binary bytes; optional binary path (STRING); }
          optional binary markdown (STRING);
        }""", List.of(
            row -> {
              row.append("corpus_id", 0L).append("markdown", "red apples");
              row.addGroup("image").append("bytes", Binary.fromConstantByteArray(png.toByteArray()));
            },
            row -> {
              row.append("corpus_id", 1L).append("markdown", "green pears");
              row.addGroup("image").append("bytes", Binary.fromString("not an image at all"));
            }));
    writeTable(dataset.resolve("queries"), "message schema { optional int64 query_id; optional binary query (STRING); }",
        List.of(row -> row.append("query_id", 0L).append("query", "apples")));
    writeTable(dataset.resolve("qrels"),
        "message schema { optional int64 query_id; optional int64 corpus_id; optional int64 score; }",
        List.of(row -> row.append("query_id", 0L).append("corpus_id", 0L).append("score", 1L)));

    Path brokenOut = dir.resolve("broken-out");
    Result result = eval(COLOURS, "--dataset", dataset.toString(), "--out", brokenOut.toString(),
        "--cache", cache.toString(), "--quiet", "--warmup", "0");
    assertThat(result.code()).as(result.err()).isZero();
    JsonNode broken = dataset(readReport(brokenOut), "broken_v3");
    assertThat(broken.at("/index/pages").asInt()).isEqualTo(1);
    assertThat(broken.get("notes").toString())
        .contains("1 pages could not be indexed; the first: " + dataset.toAbsolutePath().normalize().resolve("1")
            + " page 1: CORRUPT");
    assertThat(variant(broken, "bm25").get("primary").asDouble()).isEqualTo(1.0);
  }

  /** Scores every page for every query from the encoder's own float vectors with {@link ReferenceMaxSim}. */
  private static Run referenceRun(EvalDataset dataset, String variant) throws IOException {
    ColorTestEncoder encoder = new ColorTestEncoder();
    Map<String, MultiVector> pages = new LinkedHashMap<>();
    try (Stream<CorpusPage> corpus = dataset.corpus()) {
      Iterator<CorpusPage> it = corpus.iterator();
      while (it.hasNext()) {
        CorpusPage page = it.next();
        pages.put(page.id(), encoder.encodePages(List.of(page.decodeImage())).getFirst());
      }
    }
    Run.Builder run = Run.builder();
    List<EvalQuery> queries;
    try (Stream<EvalQuery> q = dataset.queries()) {
      queries = q.toList();
    }
    for (EvalQuery query : queries) {
      MultiVector q = encoder.encodeQueries(List.of(query.text())).getFirst();
      run.addQuery(query.id());
      pages.forEach((id, page) -> run.add(query.id(), id, score(variant, q, page)));
    }
    return run.build();
  }

  private static double score(String variant, MultiVector q, MultiVector p) {
    int dim = q.dimension();
    return switch (variant) {
      case "float" -> ReferenceMaxSim.maxSim(q.values(), q.tokens(), p.values(), p.tokens(), dim);
      case "asymmetric" -> ReferenceMaxSim.asymmetric(q.values(), q.tokens(), p.values(), p.tokens(), dim);
      case "hamming" -> {
        double sum = 0;
        for (int distance : ReferenceMaxSim.minimumHammingDistances(q.values(), q.tokens(), p.values(), p.tokens(), dim)) {
          sum += 1.0 / (1 + distance);
        }
        yield sum;
      }
      default -> throw new IllegalArgumentException(variant);
    };
  }

  /** Query id to ranked page ids, from a TREC run file (queries with no results absent). */
  private static Map<String, List<String>> docs(Path runFile) throws IOException {
    Run run = TrecRunFormat.read(runFile);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String query : run.queryIds()) {
      out.put(query, run.ranking(query).stream().map(ScoredDoc::docId).toList());
    }
    return out;
  }

  private static void copyJournal(Path from, Path to) throws IOException {
    Files.createDirectories(to.resolve("journal"));
    try (Stream<Path> files = Files.list(from.resolve("journal"))) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve("journal").resolve(file.getFileName()));
      }
    }
  }

  private static String[] append(String[] args, String more) {
    String[] out = java.util.Arrays.copyOf(args, args.length + 1);
    out[args.length] = more;
    return out;
  }
}
