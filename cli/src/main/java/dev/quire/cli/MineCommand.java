package dev.quire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.Quire;
import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.Scorer;
import dev.quire.retrieval.SearchConfig;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchRequest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code quire train mine}: gives each query of a queries file its hard negatives, the pages an
 * index ranks highest for it that are not its positive, in the format {@code quire train --data
 * queries:PAGES:FILE} reads.
 */
@Command(name = "mine", description = "Add hard negatives to a queries file: for each query the pages an index"
    + " ranks highest that are not its answer, for --loss colbert-negative.")
final class MineCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexLocation location;

  @Mixin ModelOptions model;

  @Option(names = "--pages", required = true, paramLabel = "DIR",
      description = "The folder the queries' files are relative to (PAGES_DIR of --data queries:...), indexed into --index.")
  Path pages;

  @Option(names = "--queries", required = true, paramLabel = "FILE",
      description = "The JSONL queries file: query, file, page (and any other fields, kept).")
  Path queries;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where the queries go with their negatives (replaced whole; may not be --queries).")
  Path out;

  @Option(names = "--negatives", defaultValue = "1", paramLabel = "N",
      description = "Negatives per query (default ${DEFAULT-VALUE}); a query's own negatives are replaced.")
  int negatives;

  @Option(names = "--mode", defaultValue = "bm25", paramLabel = "bm25|visual",
      description = "bm25: BM25 over the page text; visual: the model's page embeddings, every page scored by"
          + " MaxSim (needs --model, and --lora if the index was embedded with one) (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws IOException {
    if (negatives < 1) {
      throw new ParameterException(spec.commandLine(), "--negatives must be at least 1, not " + negatives);
    }
    boolean visual = switch (mode.toLowerCase(Locale.ROOT)) {
      case "bm25" -> false;
      case "visual" -> true;
      default -> throw new ParameterException(spec.commandLine(), "--mode must be bm25 or visual, not " + mode);
    };
    if (visual && model.model == null) {
      throw new ParameterException(spec.commandLine(), "--mode visual ranks pages with the model: give --model");
    }
    if (Files.exists(out) && Files.isSameFile(out, queries)) {
      throw new ParameterException(spec.commandLine(), "--out must not be the --queries file");
    }
    Reports.requireExistingIndex(location.directory);
    Path folder = real(pages);
    List<String> lines = Files.readAllLines(queries, StandardCharsets.UTF_8);
    PrintWriter stdout = spec.commandLine().getOut();
    Path target = out.toAbsolutePath();
    Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
    int mined = 0;
    int fewer = 0;
    int unmined = 0;
    int unmapped = 0;
    // Ctrl+C ends the JVM mid-file: --out stays as it was and the partial file goes with the JVM
    temp.toFile().deleteOnExit();
    ProgressBar bar = quiet ? null : ProgressBars.builder("Mining", lines.size(), " queries").build();
    try (ColQwen3Encoder encoder = visual ? model.open() : null;
        Quire quire = Quire.open(location.config(), encoder);
        BufferedWriter writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
      for (String line : lines) {
        String written = line;
        JsonNode row = parse(line);
        if (row != null) {
          Path file = folder.resolve(row.get("file").asText()).normalize();
          int page = row.get("page").asInt();
          ArrayNode found = JSON.createArrayNode();
          // ask for N + 1 (the positive may rank among them), more while hits are skipped
          for (int k = negatives + 1; ; k *= 4) {
            found.removeAll();
            List<SearchHit> hits = quire.search(new SearchRequest(row.get("query").asText(), k, Set.of(),
                config(visual, k), false)).hits();
            int outside = 0;
            for (SearchHit hit : hits) {
              Path source = hit.sourcePath() == null ? null : real(Path.of(hit.sourcePath()));
              if (source == null || !source.startsWith(folder)) {
                outside++;
              } else if (!(source.equals(file) && hit.pageNumber() == page) && found.size() < negatives) {
                found.addObject().put("file", folder.relativize(source).toString().replace('\\', '/'))
                    .put("page", hit.pageNumber());
              }
            }
            if (found.size() == negatives || hits.size() < k) {
              unmapped += outside;
              break;
            }
          }
          ((ObjectNode) row).set("negatives", found);
          written = JSON.writeValueAsString(row);
          mined++;
          if (found.size() < negatives) {
            fewer++;
          }
        } else if (!line.isBlank()) {
          unmined++;
        }
        writer.write(written);
        writer.newLine();
        if (bar != null) {
          bar.step();
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    stdout.printf(Locale.ROOT, "mined %d queries (%s): %d with fewer than %d negatives, %d lines copied as they were"
        + " (not JSON, or no query, file and page), %d hits skipped as outside %s -> %s%n",
        mined, visual ? "visual" : "bm25", fewer, negatives, unmined, unmapped, pages, out);
    return 0;
  }

  /** BM25 alone, or every page's embedding scored by exact (half-precision) MaxSim. */
  private static SearchConfig config(boolean visual, int k) {
    SearchConfig defaults = SearchConfig.defaults().withDepth(Math.max(k, SearchConfig.defaults().depth()));
    return visual ? defaults.withFirstStage(FirstStage.EXHAUSTIVE).withScorers(List.of(Scorer.HALF))
        : defaults.withScorers(List.of());
  }

  /** The line as an object with a query, a file and a page, or null. */
  private static JsonNode parse(String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      JsonNode row = JSON.readTree(line);
      boolean usable = row != null && row.isObject() && row.path("query").isTextual()
          && !row.get("query").asText().isBlank() && row.path("file").isTextual() && row.path("page").canConvertToInt();
      return usable ? row : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The path with links resolved when it exists (an index may name a file through another route). */
  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
