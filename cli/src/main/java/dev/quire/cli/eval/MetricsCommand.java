package dev.quire.cli.eval;

import dev.quire.evaluation.Evaluation;
import dev.quire.evaluation.Metric;
import dev.quire.evaluation.Metrics;
import dev.quire.evaluation.MetricsConfig;
import dev.quire.datasets.Qrels;
import dev.quire.evaluation.Run;
import dev.quire.evaluation.format.BeirJsonFormat;
import dev.quire.evaluation.format.BeirQrelsTsvFormat;
import dev.quire.evaluation.format.TrecQrelsFormat;
import dev.quire.evaluation.format.TrecRunFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire eval metrics}: scores any run against qrels as trec_eval does inside pytrec_eval, so
 * results from other systems are scored the same way as Quire's. Formats are recognised from the
 * content: JSON ({@code {"qid": {"docid": value}}}, BEIR and pytrec_eval), BEIR's qrels TSV (its
 * {@code query-id} header), else TREC. Prints {@code metric <TAB> query <TAB> value} lines, the
 * mean under {@code all}.
 */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Score a run against qrels exactly as pytrec_eval (trec_eval) does: nDCG, MAP, Recall, P and",
      "MRR at each cutoff, averaged over the queries in both files.",
      "Runs: TREC (qid Q0 docid rank score tag) or JSON {qid: {docid: score}}.",
      "Qrels: TREC (qid 0 docid rel), BEIR TSV (query-id corpus-id score) or JSON {qid: {docid: rel}}."
    })
final class MetricsCommand implements Callable<Integer> {

  @Option(names = "--run", required = true, paramLabel = "FILE", description = "The run to score.")
  Path runFile;

  @Option(names = "--qrels", required = true, paramLabel = "FILE", description = "The relevance judgments.")
  Path qrelsFile;

  @Option(names = {"-m", "--metric"}, paramLabel = "NAME@K", split = ",",
      description = "Print only these, e.g. ndcg@10,recall@100 (or ndcg_at_10); default: every measure at every cutoff.")
  List<String> metricNames = new ArrayList<>();

  @Option(names = "--cutoffs", paramLabel = "K", split = ",", defaultValue = "1,3,5,10,20,100",
      description = "Cutoffs when no --metric is given (default: ${DEFAULT-VALUE}).")
  List<Integer> cutoffs;

  @Option(names = "--relevance-level", paramLabel = "N", defaultValue = "1",
      description = "Smallest relevance that counts as relevant for MAP, Recall, P and MRR (default: ${DEFAULT-VALUE}).")
  int relevanceLevel;

  @Option(names = {"-q", "--per-query"}, description = "Also print every query's values.")
  boolean perQuery;

  @Option(names = "--decimals", paramLabel = "N", defaultValue = "4",
      description = "Decimals printed (default: ${DEFAULT-VALUE}, as trec_eval).")
  int decimals;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Metric> wanted = metricNames.stream().map(Metric::parse).toList();
    List<Integer> ks = wanted.isEmpty()
        ? cutoffs
        : List.copyOf(new TreeSet<>(wanted.stream().map(Metric::cutoff).toList()));
    Metrics metrics = new Metrics(new MetricsConfig(ks, relevanceLevel));
    List<Metric> printed = wanted.isEmpty() ? metrics.metrics() : wanted;

    Qrels qrels = readQrels(qrelsFile);
    Run run = readRun(runFile);
    Evaluation evaluation = metrics.evaluate(qrels, run);

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String format = "%-20s\t%s\t%." + decimals + "f%n";
    out.printf(Locale.ROOT, "%-20s\t%s\t%d%n", "num_q", "all", evaluation.queryCount());
    if (perQuery) {
      for (Map.Entry<String, Map<Metric, Double>> query : evaluation.perQuery().entrySet()) {
        for (Metric metric : printed) {
          out.printf(Locale.ROOT, format, metric.mtebName(), query.getKey(), query.getValue().get(metric));
        }
      }
    }
    for (Metric metric : printed) {
      out.printf(Locale.ROOT, format, metric.mtebName(), "all", evaluation.mean(metric));
    }
    if (!evaluation.unjudgedQueries().isEmpty()) {
      err.println("note: " + evaluation.unjudgedQueries().size() + " queries of the run have no judgments and"
          + " are not scored, as in pytrec_eval (first: " + evaluation.unjudgedQueries().getFirst() + ")");
    }
    if (!evaluation.unretrievedQueries().isEmpty()) {
      err.println("note: " + evaluation.unretrievedQueries().size() + " judged queries are not in the run and"
          + " are not scored, as in pytrec_eval (first: " + evaluation.unretrievedQueries().getFirst() + ")");
    }
    out.flush();
    err.flush();
    return 0;
  }

  static Run readRun(Path file) throws IOException {
    return firstLine(file).startsWith("{") ? BeirJsonFormat.readRun(file) : TrecRunFormat.read(file);
  }

  static Qrels readQrels(Path file) throws IOException {
    String first = firstLine(file);
    if (first.startsWith("{")) {
      return BeirJsonFormat.readQrels(file);
    }
    if (first.startsWith("query-id")) {
      return BeirQrelsTsvFormat.read(file);
    }
    return TrecQrelsFormat.read(file);
  }

  /** The first line with content, stripped (and without a byte order mark); empty for an empty file. */
  private static String firstLine(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String text = line.replace("\uFEFF", "").strip();
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    return "";
  }
}
