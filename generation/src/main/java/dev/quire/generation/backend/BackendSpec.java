package dev.quire.generation.backend;

import dev.quire.model.ComputeDevice;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A generation backend as the configuration names it ({@code generation.backends.<name>}).
 * {@link Local}: a Qwen3-VL instruct checkpoint run in process; {@link OpenAi}: a server that
 * speaks the OpenAI chat API (vLLM, SGLang, llama.cpp, OpenAI itself).
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

  /**
   * @param url the API's base, e.g. {@code http://gpu-box:8000/v1}
   * @param model the model the server is asked for
   * @param modelId the id clients name it by here (default: {@code model})
   * @param apiKeyEnv the environment variable holding the server's key (null: no key)
   * @param timeout per attempt, to the first byte and between bytes
   * @param maxAttempts attempts per request (retries on 429, 5xx, resets and timeouts)
   * @param maxConcurrent requests in flight to the server at once
   * @param maxQueued requests waiting for one of those; more are refused at once
   */
  record OpenAi(String name, java.net.URI url, String model, String modelId, String apiKeyEnv,
      java.time.Duration timeout, int maxAttempts, int maxConcurrent, int maxQueued)
      implements BackendSpec {
    public OpenAi {
      checkName(name);
      Objects.requireNonNull(url, "url");
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalArgumentException("generation.backends." + name + ".url must be http(s), not "
            + url);
      }
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("generation.backends." + name + ".model must name the"
            + " server's model");
      }
      modelId = modelId == null || modelId.isBlank() ? model : modelId;
      timeout = timeout == null ? java.time.Duration.ofSeconds(60) : timeout;
      if (maxAttempts < 1 || maxConcurrent < 1 || maxQueued < 0) {
        throw new IllegalArgumentException("generation.backends." + name
            + ": maxAttempts and maxConcurrent must be at least 1, maxQueued not negative");
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
