package dev.quire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.quire.index.Snippet;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchResults;
import dev.quire.retrieval.SearchStats;
import java.nio.file.Path;
import java.util.List;

/**
 * A search's results as JSON, one shape for every surface (the HTTP API and {@code quire search
 * --json}): snake_case, nothing left at a placeholder value; what a surface has not (a collection,
 * image links on the command line) is left out rather than null.
 *
 * @param collection the collection searched (HTTP), or absent
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchView(
    String query, String collection, List<Hit> hits, String pipeline, Timing timing, List<String> notes) {

  /**
   * @param page the page number, from 1
   * @param snippet the best passage of the page's text, plain (no markup, no escaping)
   * @param snippetMatches where the query matched in {@code snippet}: [start, end) in UTF-16 code
   *     units, as JavaScript and Java index strings; empty when snippets were not asked for
   * @param fileName the file's name (never its path: the HTTP API does not reveal folders)
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Hit(int rank, String documentId, int page, float score, String snippet,
      List<Snippet.Span> snippetMatches, String fileName, String imageUrl, String thumbnailUrl) {}

  /** @param inputPages pages the stage took in; absent for a first stage, which takes in the index */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Stage(String name, Integer inputPages, int outputPages, double ms) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Timing(double totalMs, List<Stage> stages) {
    public static Timing of(SearchStats stats) {
      return new Timing(round(stats.totalMillis()), stats.stages().stream()
          .map(s -> new Stage(s.name(), s.inputPages() < 0 ? null : s.inputPages(), s.outputPages(),
              round(s.millis())))
          .toList());
    }
  }

  /** Links a surface adds to a hit (page image, thumbnail); none on the command line. */
  public interface Links {
    Links NONE = (hit, thumbnail) -> null;

    String pageImage(SearchHit hit, boolean thumbnail);
  }

  public static SearchView of(String query, String collection, SearchResults results, Links links) {
    List<Hit> hits = results.hits().stream()
        .map(hit -> new Hit(hit.rank(), hit.documentId(), hit.pageNumber(), hit.score(), hit.snippet().text(),
            hit.snippet().matches(),
            String.valueOf(Path.of(hit.sourcePath()).getFileName()), links.pageImage(hit, false),
            links.pageImage(hit, true)))
        .toList();
    return new SearchView(query, collection, hits, results.stats().pipeline(), Timing.of(results.stats()),
        results.stats().notes());
  }

  /** Milliseconds to the microsecond: more digits only say how noisy the clock is. */
  static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
