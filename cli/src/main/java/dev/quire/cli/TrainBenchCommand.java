package dev.quire.cli;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.ReaderConfig;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.evaluation.Metrics;
import dev.quire.evaluation.MetricsConfig;
import dev.quire.evaluation.ScoredDoc;
import dev.quire.evaluation.benchmark.PlainBm25;
import dev.quire.model.TorchRuntime;
import dev.quire.training.LoraConfig;
import dev.quire.training.data.ExampleOrder;
import dev.quire.training.data.PageRef;
import dev.quire.training.data.TrainingData;
import dev.quire.training.data.TrainingExample;
import dev.quire.training.data.TrainingSources;
import dev.quire.training.run.TrainingCurves;
import dev.quire.training.run.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire train-bench}: a real learning run as a benchmark (issue 29, milestone 5). The
 * synthetic corpus with a held-out split by document; the untrained model (a fresh adapter, B = 0,
 * so the bare checkpoint) and a plain BM25 over the held-out pages' text evaluated on that split;
 * {@code quire train}'s loop for a time budget; then a report (JSON and Markdown) and the curves
 * (PNG) in the run folder, and the first batches written out for colpali-engine's side
 * ({@code tools/reference/bench_train.py}) to train on the same data.
 */
@Command(name = "train-bench", description = "Benchmark a real learning run: held-out nDCG@5 untrained vs trained, BM25, curves.")
final class TrainBenchCommand implements Callable<Integer> {

  private static final Metric NDCG_5 = new Metric(Measure.NDCG, 5);
  private static final Metric RECALL_1 = new Metric(Measure.RECALL, 1);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "The ColQwen3 checkpoint (e.g. tools/reference/random_colqwen3.py --size small).")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "RUN", description = "The run's folder (report, curves, checkpoints).")
  Path out;

  @Option(names = "--documents", defaultValue = "200", description = "Synthetic documents (default ${DEFAULT-VALUE}).")
  int documents;

  @Option(names = "--held-out", defaultValue = "0.2", description = "Share of documents held out (default ${DEFAULT-VALUE}).")
  double heldOut;

  @Option(names = "--minutes", defaultValue = "30", description = "Training time budget (default ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--steps", paramLabel = "N",
      description = "The schedule's length (default: what --minutes allows at the rate of a few probe steps).")
  Integer steps;

  @Option(names = "--batch-size", defaultValue = "8", description = "Examples a step (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--warmup", defaultValue = "20", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
  int warmup;

  @Mixin FreshAdapterOptions adapter;

  @Option(names = "--seed", defaultValue = "42", description = "Seeds the corpus, split, adapter, order and dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--eval-every", defaultValue = "50", description = "Steps between held-out evaluations (default ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--export-steps", defaultValue = "12",
      description = "Steps of batches written to RUN/python-data for bench_train.py (default ${DEFAULT-VALUE}).")
  int exportSteps;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    Files.createDirectories(out);
    TrainingData data = TrainingSources.synthetic(out.resolve("synthetic-corpus"), documents, seed, heldOut);
    List<PageRef> heldOutPages = data.heldOut().stream().map(TrainingExample::positive).distinct().toList();
    stdout.printf(Locale.ROOT, "data: %s; %d to train on, %d held-out queries over %d held-out pages%n",
        data.report().summary(), data.train().size(), data.heldOut().size(), heldOutPages.size());
    stdout.flush();

    LoraConfig lora = adapter.config();
    Path run = out.resolve("run");
    Path initial = TrainingRun.initialAdapter(run, model, lora, seed); // the run picks this folder up as its start
    Bm25Figures bm25 = bm25(data.heldOut(), heldOutPages);
    stdout.printf(Locale.ROOT, "BM25 (%s) on the held-out split: nDCG@5 %.4f, Recall@1 %.4f%n",
        PlainBm25.DESCRIPTION, bm25.ndcgAt5(), bm25.recallAt1());
    long evalStarted = System.nanoTime();
    TrainingRun.HeldOut untrained = TrainingRun.evaluate(model, initial, data.heldOut(), batchSize);
    double evalSeconds = (System.nanoTime() - evalStarted) / 1e9;
    stdout.printf(Locale.ROOT, "untrained (fresh adapter, B = 0): nDCG@5 %.4f, Recall@1 %.4f (%.1f s to evaluate)%n",
        untrained.ndcgAt5(), untrained.recallAt1(), evalSeconds);
    exportForPython(data, stdout);
    stdout.flush();

    int scheduleSteps = steps != null ? steps : stepsForBudget(data, lora, evalSeconds, stdout);
    TrainingRun.Config config = new TrainingRun.Config(model, null, lora, run, scheduleSteps, batchSize, 1, learningRate,
        warmup, TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT, 0, 0.0, 1.0, seed, 0, evalEvery);
    Instant started = Instant.now();
    Instant deadline = started.plusMillis((long) (minutes * 60_000));
    stdout.printf(Locale.ROOT, "training: schedule of %d steps, batch %d, lr %.1e, stopping at %s at the latest%n",
        scheduleSteps, batchSize, learningRate, deadline);
    stdout.flush();
    List<TrainingRun.StepRecord> records = new TrainingRun(config, data, (record, total) -> {
      if (record.heldOut() != null) {
        stdout.printf(Locale.ROOT, "  step %d: loss %.4f, %.1f ex/s, held out nDCG@5 %.4f Recall@1 %.4f%n", record.step(),
            record.loss(), record.examplesPerSecond(), record.heldOut().ndcgAt5(), record.heldOut().recallAt1());
        stdout.flush();
      }
    }).run(null, scheduleSteps, deadline);
    double wallSeconds = (Duration.between(started, Instant.now()).toMillis()) / 1e3;

    Report report = new Report(data, heldOutPages.size(), lora, scheduleSteps, records, untrained, bm25, wallSeconds);
    writeReport(report);
    writeCurves(report);
    stdout.print(report.summary());
    stdout.printf("report and curves in %s (report.md, report.json, loss.png, held-out.png)%n", out);
    return 0;
  }

  /** libtorch's intra-op threads, what the training steps run on (bench_train.py sets torch's to the same). */
  private static int threads() {
    TorchRuntime.init();
    return JniUtils.getNumThreads();
  }

  /** BM25's figures on the held-out split. */
  record Bm25Figures(double ndcgAt5, double recallAt1, int pagesWithoutText) {}

  /** The synthetic corpus' pages are pages of files; the benchmark reads their text and images there. */
  private static PageRef.FilePage filePage(PageRef page) {
    if (page instanceof PageRef.FilePage file) {
      return file;
    }
    throw new IllegalArgumentException("the benchmark runs on the synthetic corpus' file pages, not " + page);
  }

  /**
   * A plain BM25 over the text of the held-out pages the model ranks (their PDF text layer, OCR
   * where a page has none and Tesseract is there, as {@code quire index} reads them), ranked for
   * the same queries and judged by the same relevant page.
   */
  private static Bm25Figures bm25(List<TrainingExample> heldOut, List<PageRef> pages) throws IOException {
    PlainBm25.Builder builder = PlainBm25.builder();
    int empty = 0;
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults())) {
      for (PageRef page : pages) {
        PageRef.FilePage filePage = filePage(page);
        try (LoadedDocument document = reader.open(filePage.file())) {
          String text = document.page(filePage.page()).text();
          if (text == null || text.isBlank()) {
            empty++;
          }
          builder.add(page.toString(), text == null ? "" : text);
        } catch (DocumentRejectedException e) {
          throw new IOException(page + ": " + e.getMessage(), e);
        }
      }
    }
    PlainBm25 bm25 = builder.build();
    Metrics metrics = new Metrics(MetricsConfig.DEFAULT.withCutoffs(List.of(1, 5)));
    double ndcg = 0;
    double recall = 0;
    for (TrainingExample example : heldOut) {
      List<ScoredDoc> ranking = bm25.search(example.query(), 100);
      Map<Metric, Double> values = metrics.evaluateQuery(Map.of(example.positive().toString(), 1), ranking);
      ndcg += values.get(NDCG_5);
      recall += values.get(RECALL_1);
    }
    return new Bm25Figures(ndcg / heldOut.size(), recall / heldOut.size(), empty);
  }

  /** The median of the steps' examples/s, the first left out when there are more (it loads and renders). */
  private static double medianExamplesPerSecond(List<TrainingRun.StepRecord> records) {
    double[] rates = records.stream().skip(records.size() > 1 ? 1 : 0)
        .mapToDouble(TrainingRun.StepRecord::examplesPerSecond).sorted().toArray();
    return rates.length == 0 ? Double.NaN : rates[rates.length / 2];
  }

  /**
   * How many steps fit the time budget: a few probe steps give the rate (their first is left out,
   * it pays for loading and rendering), the untrained evaluation's time the cost of each evaluation.
   */
  private int stepsForBudget(TrainingData data, LoraConfig lora, double evalSeconds, PrintWriter stdout) throws IOException {
    int probe = 5;
    Path probeRun = out.resolve("probe");
    TrainingRun.Config config = new TrainingRun.Config(model, null, lora, probeRun, probe, batchSize, 1, learningRate,
        0, TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT, 0, 0.0, 1.0, seed, 0, 0);
    List<TrainingRun.StepRecord> records = new TrainingRun(config, data, null).run(null);
    double rate = medianExamplesPerSecond(records);
    double secondsPerStep = batchSize / rate + (evalEvery > 0 ? evalSeconds / evalEvery : 0);
    int fitting = Math.max(1, (int) (minutes * 60 / secondsPerStep));
    stdout.printf(Locale.ROOT, "probe: %.1f examples/s over %d steps; %d steps fit %.1f minutes%n", rate, probe, fitting, minutes);
    return fitting;
  }

  /**
   * The first {@code exportSteps} batches of the run's order, each query and its page image as the
   * reader renders it (the image processor resizes it on both sides), for bench_train.py.
   */
  private void exportForPython(TrainingData data, PrintWriter stdout) throws IOException {
    Path folder = out.resolve("python-data");
    Files.createDirectories(folder);
    ExampleOrder order = new ExampleOrder(data.train().size(), seed);
    ArrayNode rows = JSON.createArrayNode();
    Map<PageRef, String> written = new LinkedHashMap<>();
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false))) {
      for (int step = 0; step < exportSteps; step++) {
        for (int i = 0; i < batchSize; i++) {
          TrainingExample example = data.train().get(order.at((long) step * batchSize + i));
          String image = written.get(example.positive());
          if (image == null) {
            image = "page-" + written.size() + ".png";
            PageRef.FilePage positive = filePage(example.positive());
            try (LoadedDocument document = reader.open(positive.file())) {
              ImageIO.write(document.page(positive.page()).image(), "png", folder.resolve(image).toFile());
            } catch (DocumentRejectedException e) {
              throw new IOException(example.positive() + ": " + e.getMessage(), e);
            }
            written.put(example.positive(), image);
          }
          rows.addObject().put("step", step + 1).put("query", example.query()).put("image", image);
        }
      }
    }
    ObjectNode exported = JSON.createObjectNode();
    exported.put("model", model.toAbsolutePath().toString()).put("batch_size", batchSize).put("lr", learningRate)
        .put("warmup", warmup).put("lora_rank", adapter.rank).put("lora_alpha", adapter.rank).put("lora_dropout", adapter.dropout)
        .put("lora_targets", adapter.targets).put("seed", seed).put("threads", threads());
    exported.set("examples", rows);
    Files.writeString(folder.resolve("batches.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(exported));
    // The same examples as a queries file, so quire train can time itself on exactly these pages
    // (--data queries:RUN/python-data:RUN/python-data/queries.jsonl --held-out 0).
    StringBuilder queries = new StringBuilder();
    for (var row : rows) {
      queries.append(JSON.writeValueAsString(JSON.createObjectNode().put("query", row.get("query").asText())
          .put("file", row.get("image").asText()).put("page", 1))).append('\n');
    }
    Files.writeString(folder.resolve("queries.jsonl"), queries);
    stdout.printf("wrote %d steps of batches (%d pages) to %s for tools/reference/bench_train.py%n", exportSteps,
        written.size(), folder);
  }

  /** What the run measured. */
  record Report(TrainingData data, int heldOutPages, LoraConfig lora, int scheduleSteps,
      List<TrainingRun.StepRecord> records, TrainingRun.HeldOut untrained, Bm25Figures bm25, double wallSeconds) {

    TrainingRun.StepRecord bestEvaluated() {
      return records.stream().filter(r -> r.heldOut() != null)
          .max(Comparator.comparingDouble(r -> r.heldOut().ndcgAt5())).orElse(null);
    }

    TrainingRun.StepRecord lastEvaluated() {
      return records.reversed().stream().filter(r -> r.heldOut() != null).findFirst().orElse(null);
    }

    double medianExamplesPerSecond() {
      return TrainBenchCommand.medianExamplesPerSecond(records);
    }

    String summary() {
      TrainingRun.StepRecord last = lastEvaluated();
      TrainingRun.StepRecord best = bestEvaluated();
      StringBuilder s = new StringBuilder();
      s.append(String.format(Locale.ROOT, "steps trained: %d of a %d-step schedule in %.1f min; median %.2f examples/s%n",
          records.isEmpty() ? 0 : records.getLast().step(), scheduleSteps, wallSeconds / 60, medianExamplesPerSecond()));
      s.append(String.format(Locale.ROOT, "held out nDCG@5: untrained %.4f, BM25 %.4f", untrained.ndcgAt5(), bm25.ndcgAt5()));
      if (last != null) {
        s.append(String.format(Locale.ROOT, ", trained (last, step %d) %.4f (%+.4f), best (step %d) %.4f%n", last.step(),
            last.heldOut().ndcgAt5(), last.heldOut().ndcgAt5() - untrained.ndcgAt5(), best.step(), best.heldOut().ndcgAt5()));
        s.append(String.format(Locale.ROOT, "held out Recall@1: untrained %.4f, BM25 %.4f, trained (last) %.4f%n",
            untrained.recallAt1(), bm25.recallAt1(), last.heldOut().recallAt1()));
      } else {
        s.append(String.format("%n"));
      }
      return s.toString();
    }
  }

  private void writeReport(Report report) throws IOException {
    ObjectNode json = JSON.createObjectNode();
    ObjectNode setup = json.putObject("config");
    setup.put("model", model.toAbsolutePath().toString()).put("documents", documents).put("held_out_share", heldOut)
        .put("train_examples", report.data().train().size()).put("held_out_queries", report.data().heldOut().size())
        .put("held_out_pages", report.heldOutPages()).put("minutes", minutes).put("schedule_steps", report.scheduleSteps())
        .put("batch_size", batchSize).put("lr", learningRate).put("warmup", warmup).put("lora_rank", adapter.rank)
        .put("lora_dropout", adapter.dropout).put("lora_targets", adapter.targets).put("seed", seed).put("eval_every", evalEvery)
        .put("threads", threads());
    json.putObject("untrained").put("ndcg@5", report.untrained().ndcgAt5()).put("recall@1", report.untrained().recallAt1());
    json.putObject("bm25").put("ndcg@5", report.bm25().ndcgAt5()).put("recall@1", report.bm25().recallAt1())
        .put("pages_without_text", report.bm25().pagesWithoutText()).put("description", PlainBm25.DESCRIPTION);
    TrainingRun.StepRecord last = report.lastEvaluated();
    TrainingRun.StepRecord best = report.bestEvaluated();
    if (last != null) {
      json.putObject("trained_last").put("step", last.step()).put("ndcg@5", last.heldOut().ndcgAt5())
          .put("recall@1", last.heldOut().recallAt1());
      json.putObject("trained_best").put("step", best.step()).put("ndcg@5", best.heldOut().ndcgAt5())
          .put("recall@1", best.heldOut().recallAt1());
    }
    json.put("steps_trained", report.records().isEmpty() ? 0 : report.records().getLast().step())
        .put("wall_seconds", report.wallSeconds()).put("median_examples_per_s", report.medianExamplesPerSecond());
    Files.writeString(out.resolve("report.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));

    StringBuilder md = new StringBuilder("# quire train-bench\n\n");
    md.append(String.format(Locale.ROOT, "Model `%s`; %d synthetic documents, %.0f%% held out by document: %d training"
            + " examples, %d held-out queries over %d held-out pages. LoRA r %d (alpha %d, dropout %.2f), targets `%s`;"
            + " batch %d, lr %.1e (linear, %d warm-up steps), ColbertLoss, seed %d; %d threads.%n%n",
        model, documents, heldOut * 100, report.data().train().size(), report.data().heldOut().size(),
        report.heldOutPages(), adapter.rank, adapter.rank, adapter.dropout, adapter.targets, batchSize, learningRate, warmup, seed,
        threads()));
    md.append("```\n").append(report.summary()).append("```\n\n");
    md.append("| | nDCG@5 | Recall@1 |\n|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| untrained (fresh adapter, B = 0) | %.4f | %.4f |%n", report.untrained().ndcgAt5(),
        report.untrained().recallAt1()));
    md.append(String.format(Locale.ROOT, "| BM25 (%s; %d pages without text) | %.4f | %.4f |%n", PlainBm25.DESCRIPTION,
        report.bm25().pagesWithoutText(), report.bm25().ndcgAt5(), report.bm25().recallAt1()));
    for (TrainingRun.StepRecord r : report.records()) {
      if (r.heldOut() != null) {
        md.append(String.format(Locale.ROOT, "| step %d (loss %.4f) | %.4f | %.4f |%n", r.step(), r.loss(),
            r.heldOut().ndcgAt5(), r.heldOut().recallAt1()));
      }
    }
    md.append("\n![loss](loss.png)\n![held out](held-out.png)\n");
    Files.writeString(out.resolve("report.md"), md);
  }

  /**
   * loss.png (each step's loss and its trailing mean) and held-out.png (nDCG@5 and Recall@1 against
   * the step, from the untrained figure at step 0, with BM25's line and the target's).
   */
  private void writeCurves(Report report) throws IOException {
    List<TrainingCurves.Row> rows = TrainingCurves.read(out.resolve("run").resolve(TrainingRun.LOG_FILE));
    if (rows.isEmpty()) {
      return;
    }
    TrainingCurves.save(out.resolve("loss.png"), TrainingCurves.lossChart(rows));
    TrainingCurves.save(out.resolve("held-out.png"), TrainingCurves.heldOutChart(rows, report.untrained(), List.of(
        new TrainingCurves.Reference("BM25 nDCG@5", report.bm25().ndcgAt5()),
        new TrainingCurves.Reference("untrained + 0.10", report.untrained().ndcgAt5() + 0.10))));
  }
}
