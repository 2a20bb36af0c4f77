package dev.quire.encoder.colqwen3;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;

/**
 * DJL's PyTorch engine, offline: before DJL's first use it sets, unless the launcher already
 * did, {@code ai.djl.offline=true} (never download a native library), {@code OPT_OUT_TRACKING}
 * (no telemetry probe) and {@code RUST_FLAVOR=cpu} (the tokenizer library inside the jar).
 */
final class TorchRuntime {

  static {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
    setIfAbsent("RUST_FLAVOR", "cpu");
  }

  private TorchRuntime() {}

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Makes sure the properties are set; call before any DJL class is used. */
  static void init() {
    Engine.getEngine("PyTorch");
  }

  /** Resolves the device choice and checks the precision fits it. */
  static Device device(ColQwen3Options options) {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    Device device = switch (options.device()) {
      case CPU -> Device.cpu();
      case CUDA -> {
        if (gpus == 0) {
          throw new IllegalArgumentException("device cuda was asked for but libtorch sees no GPU"
              + " (the runtime needs ai.djl.pytorch:pytorch-native-cu* instead of -cpu)");
        }
        yield Device.gpu();
      }
      case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
    };
    ColQwen3Options.checkPrecisionFits(options.precision(), device.isGpu());
    return device;
  }

  static DataType dtype(ColQwen3Options options) {
    return options.precision() == ColQwen3Options.Precision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
  }

  /** libtorch intra-op threads, for the whole process; 0 leaves them as they are. */
  static void threads(int threads) {
    init();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
  }
}
