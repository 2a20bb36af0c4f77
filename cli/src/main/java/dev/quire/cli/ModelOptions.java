package dev.quire.cli;

import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.encoder.colqwen3.ColQwen3Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The model options of the commands that embed: a local ColQwen3 checkpoint, a LoRA adapter and
 * where the model runs. Each defaults to its {@code QUIRE_*} variable.
 */
final class ModelOptions {

  @Option(
      names = "--model",
      paramLabel = "DIR",
      defaultValue = "${env:QUIRE_MODEL}",
      description =
          "ColQwen3 checkpoint folder in the Hugging Face layout (default: $QUIRE_MODEL); index"
              + " and search without one use BM25 only.")
  Path model;

  @Option(
      names = "--lora",
      paramLabel = "DIR",
      defaultValue = "${env:QUIRE_LORA}",
      description = "PEFT LoRA adapter folder applied to the model (default: $QUIRE_LORA).")
  Path lora;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|cuda",
      defaultValue = "${env:QUIRE_DEVICE:-auto}",
      description = "Where the model runs (default: ${DEFAULT-VALUE}); on cuda it runs in float16.")
  ComputeDevice device;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "${env:QUIRE_THREADS:-0}",
      description = "Model intra-op threads; 0 (default) keeps the engine's choice.")
  int threads;

  /** The encoder, or null when no model was given. */
  ColQwen3Encoder open() throws IOException {
    return open(model, lora, device, threads);
  }

  /** For callers that read the model folder from elsewhere ({@code quire serve}'s settings). */
  ColQwen3Encoder open(Path modelDirectory) throws IOException {
    return open(modelDirectory, lora, device, threads);
  }

  /** Opens a model for {@code quire eval}, running where the environment variables say. */
  static ColQwen3Encoder openFromEnvironment(Path model, Path lora) throws IOException {
    Map<String, String> env = System.getenv();
    ComputeDevice device =
        ComputeDevice.valueOf(
            env.getOrDefault("QUIRE_DEVICE", "auto").toUpperCase(Locale.ROOT));
    return open(model, lora, device, Integer.parseInt(env.getOrDefault("QUIRE_THREADS", "0")));
  }

  static ColQwen3Encoder open(
      Path model, Path lora, ComputeDevice device, int threads) throws IOException {
    if (model == null) {
      if (lora != null) {
        throw new IllegalArgumentException("--lora " + lora + " needs --model");
      }
      return null;
    }
    ColQwen3Options options = ColQwen3Options.defaults().withDevice(device).withThreads(threads);
    if (device == ComputeDevice.CUDA) {
      options = options.withPrecision(Precision.FLOAT16);
    }
    return ColQwen3Encoder.open(model, lora, options);
  }
}
