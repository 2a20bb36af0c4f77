package dev.quire.model.xlmroberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;

/**
 * {@code XLMRobertaEmbeddings}: word + position + token type (always type 0: BGE-M3 passes none),
 * then LayerNorm. Positions are RoBERTa's: a real token at index i of its text has position
 * {@code padding_idx + 1 + i}; a pad keeps {@code padding_idx}.
 */
final class Embeddings {

  private final XlmRobertaConfig config;
  private final NDArray words;
  private final NDArray positions;
  private final NDArray tokenType;
  private final NDArray normWeight;
  private final NDArray normBias;

  Embeddings(XlmRobertaConfig config, Weights weights) {
    this.config = config;
    long h = config.hiddenSize();
    this.words = weights.load("embeddings.word_embeddings.weight", config.vocabSize(), h);
    this.positions = weights.load("embeddings.position_embeddings.weight", config.maxPositions(), h);
    NDArray types = weights.load("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h);
    this.tokenType = types.get(0);
    this.normWeight = weights.load("embeddings.LayerNorm.weight", h);
    this.normBias = weights.load("embeddings.LayerNorm.bias", h);
  }

  /** [batch, length] ids (pads at the end of each row) and their lengths to [batch, length, hidden]. */
  NDArray forward(NDManager batch, long[][] ids, int[] lengths) {
    int rows = ids.length;
    int length = ids[0].length;
    long[] flatIds = new long[rows * length];
    long[] flatPositions = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < length; t++) {
        flatIds[r * length + t] = ids[r][t];
        flatPositions[r * length + t] = t < lengths[r] ? config.padTokenId() + 1 + t : config.padTokenId();
      }
    }
    Shape shape = new Shape(rows, length);
    NDArray idArray = batch.create(flatIds, shape);
    NDArray positionArray = batch.create(flatPositions, shape);
    NDArray x = lookup(idArray, words).add(lookup(positionArray, positions)).add(tokenType);
    return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), normWeight, normBias,
        (float) config.layerNormEps()).singletonOrThrow();
  }

  private static NDArray lookup(NDArray indices, NDArray table) {
    return Embedding.embedding(indices, table, SparseFormat.DENSE).singletonOrThrow();
  }
}
