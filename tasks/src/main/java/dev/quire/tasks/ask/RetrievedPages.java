package dev.quire.tasks.ask;

import dev.quire.Quire;
import dev.quire.retrieval.FirstStage;
import dev.quire.tasks.PromptImages;
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
 * order, each with its stored image (unless text only is asked for; scaled to
 * {@link PromptImages#GIST_PIXELS}: the text goes along, and k full pages would make a CPU prefill
 * take minutes) and indexed text. With a
 * retrieval model loaded, BM25's candidates are fused with the exhaustive MaxSim ranking.
 */
public final class RetrievedPages {


  private RetrievedPages() {}

  /** The top {@code k} pages for {@code question} in {@code quire}, with their images when asked. */
  public static List<SourcePage> search(Quire quire, String question, int k, boolean withImages)
      throws IOException {
    return search(quire, question, k, withImages, Set.of());
  }

  /** As {@link #search(Quire, String, int, boolean)}, within {@code documents} (none: all). */
  public static List<SourcePage> search(Quire quire, String question, int k, boolean withImages,
      Set<String> documents) throws IOException {
    if (k < 1 || k > 20) {
      throw new IllegalArgumentException("k lies in 1..20 (pages shown to the model), not " + k);
    }
    SearchConfig config = quire.config().search();
    if (quire.encoderInfo().isPresent() && config.firstStage() == FirstStage.BM25) {
      // a question rarely shares its words with the page, and scans have none: with a retrieval
      // model the candidates are BM25's fused with the exhaustive MaxSim ranking
      config = config.withFirstStage(FirstStage.FUSION);
    }
    SearchResults results = quire.search(new SearchRequest(question, k, documents, config));
    List<SourcePage> pages = new ArrayList<>();
    for (SearchHit hit : results.hits()) {
      load(quire, pages.size() + 1, hit.documentId(), hit.pageNumber(), hit.sourcePath(), withImages)
          .ifPresent(pages::add);
    }
    return pages;
  }

  /** One page of a document, as page [1]; empty when the document or page is unknown. */
  public static Optional<SourcePage> page(Quire quire, String documentId, int pageNumber,
      boolean withImages) throws IOException {
    Optional<dev.quire.index.DocumentRecord> document = quire.document(documentId);
    if (document.isEmpty() || pageNumber < 1 || pageNumber > document.get().pageCount()) {
      return Optional.empty();
    }
    return load(quire, 1, documentId, pageNumber, document.get().sourcePath(), withImages);
  }

  private static Optional<SourcePage> load(Quire quire, int number, String documentId, int pageNumber,
      String source, boolean withImages) throws IOException {
    BufferedImage image = null;
    if (withImages) {
      Optional<Path> file = quire.pageImage(documentId, pageNumber, false);
      if (file.isPresent()) {
        image = PromptImages.fit(ImageIO.read(file.get().toFile()), PromptImages.GIST_PIXELS);
      }
    }
    String text = quire.pageText(documentId, pageNumber).orElse("");
    if (image == null && text.isBlank()) {
      return Optional.empty(); // nothing to show the model
    }
    return Optional.of(new SourcePage(number, documentId, pageNumber, source, image, text));
  }
}
