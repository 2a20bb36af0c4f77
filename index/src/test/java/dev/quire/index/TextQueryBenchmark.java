package dev.quire.index;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * BM25 query cost: the stemmed field alone (the query before the exact-word field and word pairs,
 * the baseline) against the stemmed and exact terms without the pairs, and {@link TextIndex#parse}'s
 * full query (the pairs reordering the terms' best pages), over the same text index and queries in
 * one run; {@link #main} prints the ratios. Needs an English text index and a known-item query
 * file: {@code -Dquire.bench.textIndex=<index>/text -Dquire.bench.queries=queries.jsonl} (for
 * instance the debian-docs set's, see tools/known-item).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1)
public class TextQueryBenchmark {

  @Param({"stemmed", "terms", "full"})
  public String form;

  private TextIndex index;
  private List<TextIndex.TextQuery> queries;
  private int next;

  @Setup(Level.Trial)
  public void open() throws Exception {
    Path text = Path.of(System.getProperty("quire.bench.textIndex"));
    index = TextIndex.open(text, TextLanguage.ENGLISH);
    ObjectMapper json = new ObjectMapper();
    queries = new ArrayList<>();
    try (EnglishAnalyzer english = new EnglishAnalyzer()) {
      for (String line : Files.readAllLines(Path.of(System.getProperty("quire.bench.queries")))) {
        String query = json.readTree(line).get("query").asText();
        TextIndex.TextQuery full = index.parse(query);
        queries.add(form.equals("full") ? full : form.equals("terms") ? new TextIndex.TextQuery(full.terms(), null)
            : new TextIndex.TextQuery(
            TextIndex.bag(TextIndex.TEXT, TextIndex.terms(english, TextIndex.TEXT, query, null, null)), null));
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    index.close();
  }

  /** One query of the set per call, in turn: the top 100 pages, as the engine's first stage asks. */
  @Benchmark
  public int search() throws Exception {
    TextIndex.TextQuery query = queries.get(next++ % queries.size());
    return index.search(query, 100, PageFilter.NONE).size();
  }

  public static void main(String[] args) throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(TextQueryBenchmark.class.getSimpleName())
        .jvmArgsAppend("-Dquire.bench.textIndex=" + System.getProperty("quire.bench.textIndex"),
            "-Dquire.bench.queries=" + System.getProperty("quire.bench.queries"))
        .build()).run();
    double baseline = results.stream().filter(r -> r.getParams().getParam("form").equals("stemmed"))
        .findFirst().orElseThrow().getPrimaryResult().getScore();
    System.out.printf(Locale.ROOT, "%-8s %12s %12s%n", "form", "ms/query", "vs stemmed");
    for (RunResult result : results) {
      double millis = result.getPrimaryResult().getScore();
      System.out.printf(Locale.ROOT, "%-8s %12.3f %12.2f%n", result.getParams().getParam("form"), millis,
          millis / baseline);
    }
  }
}
