package dev.quire.tasks.ask;

import dev.quire.Quire;
import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.SearchConfig;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchRequest;
import dev.quire.retrieval.SearchResults;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * The pages Quire's search returns for a question, as the model is shown them: numbered in rank
 * order, each with its stored image (unless text only is asked for) and indexed text. With a
 * retrieval model loaded, BM25's candidates are fused with the exhaustive MaxSim ranking.
 */
public final class RetrievedPages {

  private RetrievedPages() {}

  /** The top {@code k} pages for {@code question} in {@code quire}, with their images when asked. */
  public static List<SourcePage> search(Quire quire, String question, int k, boolean withImages)
      throws IOException {
    if (k < 1 || k > 20) {
      throw new IllegalArgumentException("k lies in 1..20 (pages shown to the model), not " + k);
    }
    SearchConfig config = quire.config().search();
    if (quire.encoderInfo().isPresent() && config.firstStage() == FirstStage.BM25) {
      // a question rarely shares its words with the page, and scans have none: with a retrieval
      // model the candidates are BM25's fused with the exhaustive MaxSim ranking
      config = config.withFirstStage(FirstStage.FUSION);
    }
    SearchResults results = quire.search(new SearchRequest(question, k, Set.of(), config));
    List<SourcePage> pages = new ArrayList<>();
    for (SearchHit hit : results.hits()) {
      BufferedImage image = null;
      if (withImages) {
        Optional<Path> file = quire.pageImage(hit.documentId(), hit.pageNumber(), false);
        if (file.isPresent()) {
          image = ImageIO.read(file.get().toFile());
        }
      }
      String text = quire.pageText(hit.documentId(), hit.pageNumber()).orElse("");
      if (image == null && text.isBlank()) {
        continue; // nothing to show the model
      }
      pages.add(new SourcePage(pages.size() + 1, hit.documentId(), hit.pageNumber(), hit.sourcePath(),
          image, text));
    }
    return pages;
  }
}
