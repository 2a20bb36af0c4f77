package dev.quire.textembedding;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * BGE-M3's dense vectors as the text embedder of the dense and hybrid first stages
 * ({@code --text-model DIR}): the {@code <s>} vector, L2-normalised, 1024 dimensions for the real
 * model. It records itself as {@code bge-m3} with the SHA-256 of its weight files, heads and
 * tokenizer, so an index refuses vectors of another checkpoint whatever its folder is called.
 */
public final class BgeM3Embedder implements TextEmbedder {

  public static final String NAME = "bge-m3";

  private final BgeM3Model model;
  private final TextModelInfo info;

  public BgeM3Embedder(BgeM3Model model) {
    this.model = model;
    this.info = new TextModelInfo(NAME, model.dimension(), model.maxTokens(), model.sha256());
  }

  /** Loads the folder (see {@link BgeM3Model#open}). */
  public static BgeM3Embedder open(Path folder, BgeM3Model.Options options) throws IOException {
    return new BgeM3Embedder(BgeM3Model.open(folder, options));
  }

  public BgeM3Model model() {
    return model;
  }

  @Override
  public TextModelInfo info() {
    return info;
  }

  @Override
  public float[][] embed(List<String> texts) {
    List<BgeM3Model.Output> outputs = model.encode(texts);
    float[][] out = new float[outputs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = outputs.get(i).dense();
    }
    return out;
  }

  @Override
  public int tokenCount(String text) {
    return model.ids(text).length;
  }

  @Override
  public void close() {
    model.close();
  }
}
