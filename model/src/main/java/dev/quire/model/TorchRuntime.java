package dev.quire.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;

/**
 * DJL's PyTorch engine, offline: before DJL's first use it sets, unless the launcher already
 * did, {@code ai.djl.offline=true} (never download a native library), {@code OPT_OUT_TRACKING}
 * (no telemetry probe) and {@code RUST_FLAVOR=cpu} (the tokenizer library inside the jar).
 */
public final class TorchRuntime {

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

  /** Makes sure the properties are set and the engine is up; call before any DJL class is used. */
  public static void init() {
    Engine.getEngine("PyTorch");
  }

  /** Resolves a device choice and checks that {@code precision} fits it. */
  public static Device device(ComputeDevice choice, Precision precision) {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    Device device = switch (choice) {
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
    precision.checkFits(device.isGpu());
    return device;
  }

  public static DataType dtype(Precision precision) {
    return precision == Precision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
  }

  /** libtorch intra-op threads, for the whole process; 0 leaves them as they are. */
  public static void threads(int threads) {
    init();
    if (threads > 0) {
      TorchNative.setThreads(threads);
    }
  }
}
