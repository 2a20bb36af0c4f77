package dev.quire.encoder.colqwen3;

import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link ColQwen3Encoder} runs.
 *
 * @param device where the model runs: {@code AUTO} picks CUDA when DJL sees a GPU
 * @param precision float32 everywhere by default; float16 only on CUDA (on the CPU libtorch
 *     runs half precision at about 1 GFLOP/s)
 * @param threads libtorch intra-op threads, process-wide; 0 keeps DJL's setting
 *     ({@code -Dai.djl.pytorch.num_threads})
 * @param queryPrefix text put before every query: "" as colpali-engine 0.3.13+ and ColQwen3;
 *     ColPali/ColQwen2/2.5 checkpoints were trained with "Query: "
 * @param maxVisualTokens colpali-engine's {@code max_num_visual_tokens} (max pixels = tokens x
 *     32 x 32); 0 keeps the checkpoint's processor setting. ColQwen3 was trained with 768.
 * @param pageBatchSize pages per forward pass
 * @param queryBatchSize queries per forward pass
 * @param mergeLora fold a LoRA adapter into the weights (fastest); false keeps it as a separate
 *     low-rank path, as training needs
 * @param hashCache folder remembering weight-file digests by path, size and modification time,
 *     so reopening a checkpoint does not rehash gigabytes; null hashes every time
 */
public record ColQwen3Options(ComputeDevice device, Precision precision, int threads, String queryPrefix,
    int maxVisualTokens, int pageBatchSize, int queryBatchSize, boolean mergeLora, Path hashCache) {

  public ColQwen3Options {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(precision, "precision");
    Objects.requireNonNull(queryPrefix, "queryPrefix");
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (DJL's default) or positive, got " + threads);
    }
    if (maxVisualTokens < 0) {
      throw new IllegalArgumentException(
          "maxVisualTokens must be 0 (the checkpoint's setting) or positive, got " + maxVisualTokens);
    }
    if (pageBatchSize < 1 || queryBatchSize < 1) {
      throw new IllegalArgumentException("batch sizes must be positive, got pages "
          + pageBatchSize + " and queries " + queryBatchSize);
    }
    // AUTO is checked once resolved, when the encoder opens (TorchRuntime.device)
    precision.checkFits(device != ComputeDevice.CPU);
  }

  /** CPU or GPU as available, float32, DJL's threads, no prefix, the checkpoint's pixel budget. */
  public static ColQwen3Options defaults() {
    return new ColQwen3Options(ComputeDevice.AUTO, Precision.FLOAT32, 0, "", 0, 4, 32, true,
        defaultHashCache());
  }

  /** {@code $XDG_CACHE_HOME/quire/checkpoint-hashes}, else {@code ~/.cache/quire/checkpoint-hashes}. */
  public static Path defaultHashCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("quire").resolve("checkpoint-hashes");
  }

  public ColQwen3Options withDevice(ComputeDevice device) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withPrecision(Precision precision) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withThreads(int threads) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withQueryPrefix(String queryPrefix) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withMaxVisualTokens(int maxVisualTokens) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withBatchSizes(int pageBatchSize, int queryBatchSize) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withMergeLora(boolean mergeLora) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }

  public ColQwen3Options withHashCache(Path hashCache) {
    return new ColQwen3Options(device, precision, threads, queryPrefix, maxVisualTokens,
        pageBatchSize, queryBatchSize, mergeLora, hashCache);
  }
}
