package dev.quire.evaluation.benchmark;

import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.encoder.PatchGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An encoder that embeds each query text once: the variants of a run search the same queries, and
 * the model's forward pass would otherwise dominate every variant's latency. The first search of a
 * query pays for its encoding, which the run records apart from the search. Pages pass through.
 * It does not close the encoder it wraps.
 */
final class QueryCache implements MultiVectorEncoder {

  private final MultiVectorEncoder encoder;
  private final Map<String, MultiVector> queries = new HashMap<>();
  private final Map<String, Double> millis = new HashMap<>();

  QueryCache(MultiVectorEncoder encoder) {
    this.encoder = encoder;
  }

  @Override
  public EncoderInfo info() {
    return encoder.info();
  }

  @Override
  public synchronized List<MultiVector> encodeQueries(List<String> texts) {
    List<String> missing = texts.stream().filter(t -> !queries.containsKey(t)).distinct().toList();
    if (!missing.isEmpty()) {
      long start = System.nanoTime();
      List<MultiVector> encoded = encoder.encodeQueries(missing);
      double each = (System.nanoTime() - start) / 1e6 / missing.size();
      for (int i = 0; i < missing.size(); i++) {
        queries.put(missing.get(i), encoded.get(i));
        millis.put(missing.get(i), each);
      }
    }
    List<MultiVector> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(queries.get(text));
    }
    return out;
  }

  @Override
  public List<MultiVector> encodePages(List<BufferedImage> pages) {
    return encoder.encodePages(pages);
  }

  @Override
  public Optional<PatchGrid> patchGrid(BufferedImage page) {
    return encoder.patchGrid(page);
  }

  /**
   * Milliseconds the model took to embed this text (the searcher embeds one query per call); 0
   * when it was not embedded since the last {@link #clear()}.
   */
  synchronized double encodeMillis(String text) {
    return millis.getOrDefault(text, 0.0);
  }

  /** Forgets the queries of a finished benchmark. */
  synchronized void clear() {
    queries.clear();
    millis.clear();
  }
}
