package dev.quire.encoder.colqwen3;

import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.encoder.PatchGrid;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.CheckpointHash;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.qwen3vl.ForwardTrace;
import dev.quire.model.qwen3vl.ImageProcessor;
import dev.quire.model.qwen3vl.LoraAdapter;
import dev.quire.model.qwen3vl.ProcessedImage;
import dev.quire.model.qwen3vl.ProcessorConfig;
import dev.quire.model.qwen3vl.Qwen3VLConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * ColQwen3 (colpali-engine's ColQwen3 on a Qwen3-VL checkpoint) as a {@link MultiVectorEncoder},
 * in Java on DJL's PyTorch engine, giving the reference implementation's vectors: a page becomes
 * one unit vector per token of its document prompt (image tokens included), a query one per
 * token of prefix + text + 10 augmentation tokens. Results do not depend on batch composition:
 * sequences are packed without padding and attend only to themselves.
 *
 * <p>Opens checkpoints in the layouts of colpali-engine, TomoroAI and OpenSearch (config.json of
 * transformers 4.57 or 5; safetensors F32, F16 or BF16, sharded or not) and PEFT LoRA adapters.
 * Calls are serialised; the model's own threads parallelise each forward pass.
 */
public final class ColQwen3Encoder implements MultiVectorEncoder {

  private final ColQwen3Model model;
  private final PromptTokenizer tokenizer;
  private final ImageProcessor processor;
  private final ColQwen3Options options;
  private final EncoderInfo info;

  private ColQwen3Encoder(ColQwen3Model model, PromptTokenizer tokenizer, ImageProcessor processor,
      ColQwen3Options options, EncoderInfo info) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.processor = processor;
    this.options = options;
    this.info = info;
  }

  /** Opens a checkpoint folder with {@link ColQwen3Options#defaults()}. */
  public static ColQwen3Encoder open(Path checkpoint) throws IOException {
    return open(checkpoint, null, ColQwen3Options.defaults());
  }

  /**
   * Opens a checkpoint folder and, when {@code lora} is not null, a PEFT adapter folder for it.
   * Errors name the folder or file and what is wrong.
   */
  public static ColQwen3Encoder open(Path checkpoint, Path lora, ColQwen3Options options)
      throws IOException {
    if (!Files.isDirectory(checkpoint)) {
      throw new IOException("model folder " + checkpoint + " does not exist");
    }
    if (lora != null && !Files.isDirectory(lora)) {
      throw new IOException("LoRA folder " + lora + " does not exist");
    }
    TorchRuntime.init();
    TorchRuntime.threads(options.threads());
    Qwen3VLConfig config = Qwen3VLConfig.read(checkpoint);
    ProcessorConfig processorConfig = ProcessorConfig.read(checkpoint);
    if (processorConfig.patchSize() != config.vision().patchSize()
        || processorConfig.mergeSize() != config.vision().mergeSize()
        || processorConfig.temporalPatchSize() != config.vision().temporalPatchSize()) {
      throw new IOException(checkpoint + ": the image processor's patch/merge/temporal sizes "
          + "differ from config.json's vision_config");
    }
    if (options.maxVisualTokens() > 0) {
      processorConfig = processorConfig.withMaxVisualTokens(options.maxVisualTokens());
    }
    List<Path> weightFiles = CheckpointWeights.weightFiles(checkpoint);
    String hash = CheckpointHash.of(weightFiles,
        lora == null ? List.of() : List.of(LoraAdapter.weightFile(lora)), options.hashCache());
    PromptTokenizer tokenizer = PromptTokenizer.open(checkpoint, config);
    try {
      ColQwen3Model model = ColQwen3Model.load(config, weightFiles, lora, options.mergeLora(),
          TorchRuntime.device(options.device(), options.precision()),
          TorchRuntime.dtype(options.precision()));
      String name = folderName(checkpoint) + (lora == null ? "" : "+" + folderName(lora));
      EncoderInfo info = new EncoderInfo(name, hash, model.dimension());
      return new ColQwen3Encoder(model, tokenizer, new ImageProcessor(processorConfig), options, info);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  private static String folderName(Path folder) {
    Path name = folder.toAbsolutePath().normalize().getFileName();
    return name == null ? folder.toString() : name.toString();
  }

  @Override
  public EncoderInfo info() {
    return info;
  }

  public ColQwen3Options options() {
    return options;
  }

  @Override
  public List<MultiVector> encodeQueries(List<String> queries) {
    return embedQueries(queries).stream().map(EmbeddedInput::vectors).toList();
  }

  @Override
  public List<MultiVector> encodePages(List<BufferedImage> pages) {
    return embedPages(pages).stream().map(EmbeddedInput::vectors).toList();
  }

  /** Queries with their token ids. */
  public synchronized List<EmbeddedInput> embedQueries(List<String> queries) {
    return run(queries, options.queryBatchSize(), query -> new ColQwen3Model.Sequence(
        tokenizer.query(query, options.queryPrefix()), null));
  }

  /** Pages with their token ids and patch grids. */
  public synchronized List<EmbeddedInput> embedPages(List<BufferedImage> pages) {
    return run(pages, options.pageBatchSize(), page -> {
      ProcessedImage image = processor.process(page);
      return new ColQwen3Model.Sequence(
          tokenizer.document(image.tokenCount(processor.config().mergeSize())), image);
    });
  }

  @Override
  public synchronized List<String> queryTokenTexts(String query) {
    return tokenizer.queryTokenTexts(query, options.queryPrefix());
  }

  /** The last token's vector (the last augmentation token), already of unit length. */
  @Override
  public float[] pooledQuery(MultiVector query) {
    return query.token(query.tokens() - 1);
  }

  /**
   * The image tokens of a page's embedding: after the prompt's opening tokens, one token per
   * 2x2 block of patches, row by row over the resized page, which covers the whole image.
   */
  @Override
  public Optional<PatchGrid> patchGrid(BufferedImage page) {
    int[] size = processor.targetSize(page.getHeight(), page.getWidth());
    int tile = processor.config().tile();
    return Optional.of(new PatchGrid(tokenizer.imageTokenOffset(), size[0] / tile, size[1] / tile));
  }

  private <T> List<EmbeddedInput> run(List<T> inputs, int batchSize,
      Function<T, ColQwen3Model.Sequence> prepare) {
    List<EmbeddedInput> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += batchSize) {
      List<ColQwen3Model.Sequence> batch = new ArrayList<>();
      for (T input : inputs.subList(from, Math.min(inputs.size(), from + batchSize))) {
        batch.add(prepare.apply(input));
      }
      List<float[]> vectors = model.forward(batch, ForwardTrace.NONE);
      for (int i = 0; i < batch.size(); i++) {
        ColQwen3Model.Sequence s = batch.get(i);
        out.add(new EmbeddedInput(s.ids(), s.image() == null ? null : s.image().grid(),
            new MultiVector(s.ids().length, model.dimension(), vectors.get(i))));
      }
    }
    return out;
  }

  /** The id that pads token-id rows in exports: {@code <|endoftext|>}, as colpali pads. */
  int padTokenId() {
    return tokenizer.tokenId(PromptTokenizer.AUGMENTATION);
  }

  @Override
  public synchronized void close() {
    model.close();
    tokenizer.close();
  }
}
