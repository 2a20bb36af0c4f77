package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quire.Quire;
import dev.quire.QuireConfig;
import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.SearchConfig;
import dev.quire.retrieval.SearchRequest;
import dev.quire.retrieval.SearchResults;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", description = "Search the index; prints ranked pages.")
final class SearchCommand implements Callable<Integer> {

  @Mixin IndexLocation location;

  @Mixin ModelOptions model;

  @Mixin TextModelOption text;

  @Parameters(arity = "1..*", paramLabel = "QUERY", description = "The query (words are joined).")
  List<String> words;

  @Option(names = {"-k", "--top"}, defaultValue = "10", description = "Results to show (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--first-stage",
      paramLabel = "bm25|dense|hybrid|exhaustive|fusion",
      defaultValue = "bm25",
      description = "Candidate generation (default: ${DEFAULT-VALUE}).")
  String firstStage;

  @Option(
      names = "--depth",
      defaultValue = "100",
      description = "First-stage candidates (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--scorers",
      paramLabel = "CHAIN",
      defaultValue = "hamming,half",
      description =
          "Rescoring chain over hamming, asymmetric, half: each but the last passes the best"
              + " depth x ratio pages on; 'none' keeps the BM25 order (default: ${DEFAULT-VALUE}).")
  String scorers;

  @Option(
      names = "--prefilter-ratio",
      defaultValue = "0.5",
      description = "Share of the depth a pre-filter keeps (default: ${DEFAULT-VALUE}).")
  double ratio;

  @Option(
      names = "--fusion",
      paramLabel = "rrf|convex",
      defaultValue = "convex",
      description = "How --first-stage hybrid joins BM25 and dense: a convex combination of min-max"
          + " normalised scores or reciprocal-rank fusion (default: ${DEFAULT-VALUE}).")
  String fusion;

  @Option(
      names = "--dense-weight",
      paramLabel = "W",
      description = "The dense side's weight in the hybrid fusion, 0..1 (BM25 weighs 1 - W; default:"
          + " 0.1 for convex, measured; 0.5 for rrf).")
  Double denseWeight;

  @Option(names = "--document", paramLabel = "ID", description = "Only these documents (repeatable).")
  List<String> documents = List.of();

  @Option(names = "--json", description = "Print the results as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  private dev.quire.retrieval.Fusion fusion() {
    dev.quire.retrieval.Fusion.Method method = dev.quire.retrieval.Fusion.Method.parse(fusion);
    return denseWeight == null ? dev.quire.retrieval.Fusion.of(method)
        : new dev.quire.retrieval.Fusion(method, denseWeight);
  }

  @Override
  public Integer call() throws Exception {
    if (String.join(" ", words).isBlank()) {
      // as the HTTP API answers it (400): an empty query is the caller's mistake, not "no match"
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "query must not be empty");
    }
    SearchConfig search =
        new SearchConfig(
            FirstStage.parse(firstStage),
            depth,
            SearchConfig.parseScorers(scorers),
            ratio,
            SearchConfig.defaults().rrfK(),
            fusion());
    QuireConfig config = location.config().withSearch(search);
    Reports.requireExistingIndex(location.directory);
    PrintWriter out = spec.commandLine().getOut();
    try (ColQwen3Encoder encoder = model.open();
        dev.quire.textembedding.TextEmbedder textEmbedder = text.open();
        Quire quire = Quire.open(config, encoder, textEmbedder)) {
      String query = String.join(" ", words);
      SearchResults results =
          quire.search(new SearchRequest(query, k, new HashSet<>(documents), search));
      if (json) {
        // the HTTP API's shape, without what only a server has (collection, image links)
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(dev.quire.SearchView.of(query, null, results, dev.quire.SearchView.Links.NONE)));
      } else {
        Reports.printResults(out, results);
      }
      return 0;
    }
  }
}
