package dev.quire.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.AtomicFiles;
import dev.quire.model.qwen3vl.CheckpointWeights;
import dev.quire.model.safetensors.SafetensorsTensor;
import dev.quire.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A newly initialised LoRA adapter for a checkpoint, written in PEFT's layout (what
 * {@code get_peft_model(...).save_pretrained} writes before any training): the modules
 * {@link LoraConfig#targets} selects among the checkpoint's linear layers, A drawn as PEFT draws
 * it (from a seeded Java generator, not torch's), B zero.
 */
public final class FreshAdapter {

  /** PEFT's key prefix for the wrapped model's modules. */
  static final String PREFIX = "base_model.model.";

  /** A module to adapt: its canonical name and its weight's [out, in]. */
  public record Target(String module, long outFeatures, long inFeatures) {}

  private FreshAdapter() {}

  /**
   * The linear modules of the checkpoint that {@code config} targets, in the checkpoint's order.
   * Embedding tables cannot take a LoRA here: a target naming one is refused.
   */
  public static List<Target> targets(List<Path> weightFiles, LoraConfig config) throws IOException {
    List<Target> targets = new ArrayList<>();
    try (CheckpointWeights weights = CheckpointWeights.open(weightFiles)) {
      for (var entry : weights.tensors().entrySet()) {
        String name = entry.getKey();
        SafetensorsTensor tensor = entry.getValue();
        if (!name.endsWith(".weight") || tensor.shape().length != 2) {
          continue; // biases, norms, the vision patch convolution
        }
        String module = name.substring(0, name.length() - ".weight".length());
        if (!config.targets().matches(module)) {
          continue;
        }
        if (module.endsWith("embed_tokens") || module.endsWith("pos_embed") || module.startsWith("lm_head")) {
          throw new IllegalArgumentException("the LoRA targets match " + module
              + ", which is an embedding or the language-model head: not supported");
        }
        targets.add(new Target(module, tensor.shape()[0], tensor.shape()[1]));
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("the LoRA targets " + config.targets()
          + " match no linear module of the checkpoint");
    }
    return List.copyOf(targets);
  }

  /**
   * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} into {@code folder}
   * for the checkpoint folder {@code checkpoint}; the same seed gives the same file.
   */
  public static List<Target> write(Path checkpoint, LoraConfig config, long seed, Path folder)
      throws IOException {
    List<Target> targets = targets(CheckpointWeights.weightFiles(checkpoint), config);
    SafetensorsWriter writer = new SafetensorsWriter();
    for (Target target : targets) {
      // one stream per module, keyed by its name: a module's draw does not depend on the others
      SplittableRandom random = new SplittableRandom(seed ^ ((long) target.module().hashCode() << 16));
      writer.putF32(PREFIX + target.module() + ".lora_A.weight",
          new long[] {config.rank(), target.inFeatures()}, initialA(config, target, random));
      writer.putF32(PREFIX + target.module() + ".lora_B.weight",
          new long[] {target.outFeatures(), config.rank()},
          new float[Math.toIntExact(target.outFeatures() * config.rank())]);
    }
    Files.createDirectories(folder);
    writer.write(folder.resolve("adapter_model.safetensors"));
    byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsBytes(config.adapterConfig(checkpoint.getFileName().toString()));
    AtomicFiles.write(folder.resolve("adapter_config.json"), out -> out.write(json));
    return targets;
  }

  private static float[] initialA(LoraConfig config, Target target, SplittableRandom random) {
    float[] a = new float[Math.toIntExact(config.rank() * target.inFeatures())];
    switch (config.init()) {
      case KAIMING_UNIFORM -> {
        // kaiming_uniform(a=sqrt(5)) on [r, in]: gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / in) = 1 / sqrt(in)
        double bound = 1 / Math.sqrt(target.inFeatures());
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) random.nextDouble(-bound, bound);
        }
      }
      case GAUSSIAN -> {
        double std = 1.0 / config.rank();
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) (random.nextGaussian() * std);
        }
      }
    }
    return a;
  }
}
