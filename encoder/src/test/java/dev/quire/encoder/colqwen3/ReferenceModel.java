package dev.quire.encoder.colqwen3;

import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.ProcessorConfig;
import dev.quire.model.qwen3vl.ProcessedImage;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.TorchRuntime;
import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A fixture checkpoint loaded the way the encoder loads it, with its tokenizer and processor. */
final class ReferenceModel implements AutoCloseable {

  final Qwen3VLConfig config;
  final ImageProcessor processor;
  final PromptTokenizer tokenizer;
  final ColQwen3Model model;

  ReferenceModel(String checkpoint, String adapter, boolean mergeLora) {
    try {
      Path folder = Fixtures.path(checkpoint);
      TorchRuntime.init();
      config = Qwen3VLConfig.read(folder);
      processor = new ImageProcessor(ProcessorConfig.read(folder));
      tokenizer = PromptTokenizer.open(folder, config);
      model = ColQwen3Model.load(config, CheckpointWeights.weightFiles(folder),
          adapter == null ? null : Fixtures.path(adapter), mergeLora, Device.cpu(), DataType.FLOAT32);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ColQwen3Model.Sequence page(String name) {
    ProcessedImage image = processor.process(Goldens.image(name));
    return new ColQwen3Model.Sequence(tokenizer.document(image.tokenCount(2)), image);
  }

  ColQwen3Model.Sequence query(String text, String prefix) {
    return new ColQwen3Model.Sequence(tokenizer.query(text, prefix), null);
  }

  List<ColQwen3Model.Sequence> inputs(Goldens golden) {
    List<ColQwen3Model.Sequence> sequences = new ArrayList<>();
    for (String page : golden.pages()) {
      sequences.add(page(page));
    }
    for (String query : golden.queries()) {
      sequences.add(query(query, golden.queryPrefix()));
    }
    return sequences;
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}
