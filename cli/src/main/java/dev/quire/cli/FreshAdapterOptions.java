package dev.quire.cli;

import dev.quire.training.LoraConfig;
import picocli.CommandLine.Option;

/** The options of a fresh LoRA adapter, shared by {@code quire train} and {@code quire train-bench}. */
final class FreshAdapterOptions {

  @Option(names = "--lora-rank", defaultValue = "32", description = "A fresh adapter's rank; alpha equals it (default ${DEFAULT-VALUE}).")
  int rank;

  @Option(names = "--lora-dropout", defaultValue = "0.1", description = "A fresh adapter's dropout (default ${DEFAULT-VALUE}).")
  double dropout;

  @Option(names = "--lora-targets", paramLabel = "REGEX", defaultValue = LoraConfig.COLPALI_TARGETS,
      description = "A fresh adapter's modules, a PEFT regular expression (default colpali-engine's: the decoder and"
          + " the projection, not the vision tower).")
  String targets;

  /** colpali-engine's recipe: alpha equal to the rank, gaussian A, no rsLoRA. */
  LoraConfig config() {
    return new LoraConfig(rank, rank, dropout, false, new LoraConfig.Targets.Regex(targets), LoraConfig.Init.GAUSSIAN);
  }
}
