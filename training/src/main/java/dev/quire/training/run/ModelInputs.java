package dev.quire.training.run;

import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.ReaderConfig;
import dev.quire.encoder.colqwen3.PromptTokenizer;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.ProcessedImage;
import dev.quire.model.qwen3vl.ProcessorConfig;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.training.data.PageRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Queries and pages as the model's input sequences, through the encoder's prompts (what {@code
 * quire index} and {@code search} feed the same model): a page is rendered by the datasets' reader
 * once and kept, since an epoch sees it again.
 */
final class ModelInputs implements AutoCloseable {

  private final PromptTokenizer tokenizer;
  private final ImageProcessor processor;
  private final DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false));
  private final Map<PageRef, Qwen3VLModel.Sequence> pages = new HashMap<>();

  private ModelInputs(PromptTokenizer tokenizer, ImageProcessor processor) {
    this.tokenizer = tokenizer;
    this.processor = processor;
  }

  static ModelInputs open(Path model) throws IOException {
    return new ModelInputs(PromptTokenizer.open(model, Qwen3VLConfig.read(model)),
        new ImageProcessor(ProcessorConfig.read(model)));
  }

  Qwen3VLModel.Sequence query(String text) {
    return new Qwen3VLModel.Sequence(tokenizer.query(text, ""), List.of());
  }

  Qwen3VLModel.Sequence page(PageRef ref) throws IOException {
    Qwen3VLModel.Sequence known = pages.get(ref);
    if (known != null) {
      return known;
    }
    try (LoadedDocument document = reader.open(ref.file())) {
      ProcessedImage image = processor.process(document.page(ref.page()).image());
      Qwen3VLModel.Sequence sequence = new Qwen3VLModel.Sequence(
          tokenizer.document(image.tokenCount(processor.config().mergeSize())), List.of(image));
      pages.put(ref, sequence);
      return sequence;
    } catch (DocumentRejectedException e) {
      throw new IOException(ref + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      tokenizer.close();
    } finally {
      reader.close();
    }
  }
}
