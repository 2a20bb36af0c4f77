package dev.quire.retrieval;

import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.encoder.PatchGrid;
import dev.quire.index.PageIndex;
import dev.quire.index.PageInfo;
import dev.quire.index.VectorReader;
import dev.quire.index.PageCodec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Computes {@link SimilarityMap}s from the stored half-precision page vectors: no page is
 * encoded again, only the query.
 */
public final class SimilarityMaps {

  private final PageIndex index;
  private final MultiVectorEncoder encoder;

  public SimilarityMaps(PageIndex index, MultiVectorEncoder encoder) {
    this.index = index;
    this.encoder = encoder;
  }

  public Optional<SimilarityMap> map(String query, String documentId, int pageNumber)
      throws IOException {
    Optional<PageInfo> page = index.page(documentId, pageNumber);
    Optional<Path> imageFile = index.pageImage(documentId, pageNumber);
    if (page.isEmpty() || !page.get().hasVectors() || imageFile.isEmpty()) {
      return Optional.empty();
    }
    BufferedImage image = ImageIO.read(imageFile.get().toFile());
    Optional<PatchGrid> grid = image == null ? Optional.empty() : encoder.patchGrid(image);
    if (grid.isEmpty()) {
      return Optional.empty();
    }
    float[] pageVectors;
    int pageTokens;
    int dim;
    try (VectorReader vectors = index.vectors()) {
      long id = page.get().pageId();
      pageTokens = vectors.tokens(id);
      dim = vectors.dimension(id);
      pageVectors = PageCodec.decodeHalf(vectors.half(id), pageTokens, dim);
    }
    PatchGrid g = grid.get();
    if (g.firstToken() + g.patches() > pageTokens) {
      throw new IllegalStateException(
          "the encoder's patch grid " + g + " does not fit the stored page of " + pageTokens
              + " tokens: was the page embedded by another model?");
    }
    MultiVector q = encoder.encodeQueries(List.of(query)).get(0);
    List<String> texts = encoder.queryTokenTexts(query);
    List<SimilarityMap.TokenMap> maps = new ArrayList<>(q.tokens());
    for (int t = 0; t < q.tokens(); t++) {
      float maxSim = Float.NEGATIVE_INFINITY;
      for (int p = 0; p < pageTokens; p++) {
        maxSim = Math.max(maxSim, dot(q.values(), t * dim, pageVectors, p * dim, dim));
      }
      float[] scores = new float[g.patches()];
      int best = 0;
      for (int cell = 0; cell < scores.length; cell++) {
        scores[cell] = dot(q.values(), t * dim, pageVectors, (g.firstToken() + cell) * dim, dim);
        if (scores[cell] > scores[best]) {
          best = cell;
        }
      }
      String text = texts.size() == q.tokens() ? texts.get(t) : null;
      maps.add(new SimilarityMap.TokenMap(t, text, scores, best, maxSim));
    }
    return Optional.of(new SimilarityMap(documentId, pageNumber, g.rows(), g.cols(), maps));
  }

  private static float dot(float[] a, int aOffset, float[] b, int bOffset, int dim) {
    float sum = 0;
    for (int i = 0; i < dim; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }
}
