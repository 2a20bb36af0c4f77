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
 * quire index} and {@code search} feed the same model): a file's page is rendered by the datasets'
 * reader once and kept, since an epoch sees it again; a dataset's page is decoded from its bytes
 * each time it is fed.
 */
final class ModelInputs implements AutoCloseable {

  private final PromptTokenizer tokenizer;
  private final ImageProcessor processor;
  private final DocumentReader reader = new DocumentReader(ReaderConfig.defaults().withOcr(false));
  private final Map<PageRef.FilePage, Qwen3VLModel.Sequence> pages = new HashMap<>();

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
    return switch (ref) {
      case PageRef.FilePage file -> filePage(file);
      // not kept: the encoded bytes are at hand and decode fast, and keeping every page's pixels
      // would hold a whole data set decoded
      case PageRef.DatasetPage stored -> sequence(processor.process(stored.decode()));
    };
  }

  private Qwen3VLModel.Sequence filePage(PageRef.FilePage ref) throws IOException {
    Qwen3VLModel.Sequence known = pages.get(ref);
    if (known != null) {
      return known;
    }
    try (LoadedDocument document = reader.open(ref.file())) {
      Qwen3VLModel.Sequence sequence = sequence(processor.process(document.page(ref.page()).image()));
      pages.put(ref, sequence);
      return sequence;
    } catch (DocumentRejectedException e) {
      throw new IOException(ref + ": " + e.getMessage(), e);
    }
  }

  private Qwen3VLModel.Sequence sequence(ProcessedImage image) {
    return new Qwen3VLModel.Sequence(tokenizer.document(image.tokenCount(processor.config().mergeSize())), List.of(image));
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
