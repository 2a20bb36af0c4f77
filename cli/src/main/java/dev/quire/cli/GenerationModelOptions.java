package dev.quire.cli;

import dev.quire.model.ComputeDevice;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The instruct model of the generation commands ({@code generate}, {@code classify}) and where it runs. */
final class GenerationModelOptions {

  @Option(names = "--model", paramLabel = "DIR", defaultValue = "${env:QUIRE_GENERATION_MODEL}",
      description = "Qwen3-VL instruct checkpoint folder in the Hugging Face layout"
          + " (default: $QUIRE_GENERATION_MODEL).")
  Path model;

  @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "${env:QUIRE_DEVICE:-auto}",
      description = "Where the model runs (default: ${DEFAULT-VALUE}); on cuda it runs in float16.")
  ComputeDevice device;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "${env:QUIRE_THREADS:-0}",
      description = "Model intra-op threads; 0 (default) keeps the engine's choice.")
  int threads;
}
