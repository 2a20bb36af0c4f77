package dev.quire.generation.backend;

import dev.quire.model.ComputeDevice;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A generation backend as the configuration names it ({@code generation.backends.<name>}).
 * {@link Local}: a Qwen3-VL instruct checkpoint run in process.
 */
public sealed interface BackendSpec {

  Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  String name();

  /**
   * @param model the checkpoint folder
   * @param modelId the id clients name it by (default: the folder's name)
   * @param maxQueued requests that may wait while one is generated; more get a busy error
   */
  record Local(String name, Path model, String modelId, ComputeDevice device, int threads,
      int maxQueued) implements BackendSpec {
    public Local {
      checkName(name);
      Objects.requireNonNull(model, "model");
      if (modelId == null || modelId.isBlank()) {
        modelId = model.getFileName() == null ? name : model.getFileName().toString();
      }
      device = device == null ? ComputeDevice.AUTO : device;
      if (threads < 0 || maxQueued < 0) {
        throw new IllegalArgumentException("generation.backends." + name
            + ": threads and maxQueued must not be negative");
      }
    }
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("generation backend name '" + name + "' must match "
          + NAME.pattern());
    }
  }
}
