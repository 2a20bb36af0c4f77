package dev.quire.training;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A LoRA adapter to train, as PEFT 0.20's {@code LoraConfig} describes one: which linear modules
 * get a low-rank path, its rank, alpha (the path is scaled by alpha / rank, or alpha / sqrt(rank)
 * with rsLoRA), the dropout on its input while training, and how A starts (B starts at zero, so
 * a fresh adapter changes nothing).
 */
public record LoraConfig(int rank, double alpha, double dropout, boolean rsLora, Targets targets,
    Init init) {

  /** colpali-engine's target regex: the language model's projections (not the vision tower's) and the head. */
  public static final String COLPALI_TARGETS =
      "(.*(model)(?!.*visual).*(down_proj|gate_proj|up_proj|k_proj|q_proj|v_proj|o_proj).*$"
          + "|.*(custom_text_proj).*$)";

  /** The PEFT release whose saved layout {@link #adapterConfig} follows. */
  public static final String PEFT_VERSION = "0.20.0";

  public LoraConfig {
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(init, "init");
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be at least 1, not " + rank);
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("alpha must be positive, not " + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), not " + dropout);
    }
  }

  /** colpali-engine's ColQwen training configs: r 32, alpha 32, dropout 0.1, gaussian A. */
  public static LoraConfig colpaliDefault() {
    return new LoraConfig(32, 32, 0.1, false, new Targets.Regex(COLPALI_TARGETS), Init.GAUSSIAN);
  }

  /** What the low-rank path is multiplied by. */
  public double scale() {
    return rsLora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  /**
   * PEFT's {@code adapter_config.json} for this adapter, with every field PEFT 0.20's
   * {@code save_pretrained} writes for a LoRA (its defaults where this config has no say), in its
   * order (sorted keys) and marked {@code inference_mode: true} as PEFT marks a saved adapter.
   * PEFT, Quire's encoder and {@code LoraAdapter} read it.
   */
  public ObjectNode adapterConfig(String baseModel) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.putNull("alora_invocation_tokens");
    json.putObject("alpha_pattern");
    json.putNull("arrow_config");
    json.putNull("auto_mapping");
    json.put("base_model_name_or_path", baseModel);
    json.put("bias", "none");
    json.putNull("corda_config");
    json.put("ensure_weight_tying", false);
    json.putNull("eva_config");
    json.putNull("exclude_modules");
    json.put("fan_in_fan_out", false);
    json.put("inference_mode", true);
    switch (init) {
      case KAIMING_UNIFORM -> json.put("init_lora_weights", true);
      case GAUSSIAN -> json.put("init_lora_weights", "gaussian");
    }
    json.putNull("layer_replication");
    json.putNull("layers_pattern");
    json.putNull("layers_to_transform");
    json.putObject("loftq_config");
    if (alpha == Math.rint(alpha)) {
      json.put("lora_alpha", (long) alpha); // an int, as PEFT writes the usual integral alpha
    } else {
      json.put("lora_alpha", alpha);
    }
    json.put("lora_bias", false);
    json.put("lora_dropout", dropout);
    json.putNull("lora_ga_config");
    json.putNull("megatron_config");
    json.put("megatron_core", "megatron.core");
    json.putNull("modules_to_save");
    json.putNull("monteclora_config");
    json.put("peft_type", "LORA");
    json.put("peft_version", PEFT_VERSION);
    json.put("qalora_group_size", 16);
    json.put("r", rank);
    json.putObject("rank_pattern");
    json.putNull("revision");
    switch (targets) {
      case Targets.Regex regex -> json.put("target_modules", regex.pattern());
      case Targets.Names names -> names.names().forEach(json.putArray("target_modules")::add);
    }
    json.putNull("target_parameters");
    json.put("task_type", "FEATURE_EXTRACTION");
    json.putNull("trainable_token_indices");
    json.putNull("use_bdlora");
    json.put("use_dora", false);
    json.put("use_qalora", false);
    json.put("use_rslora", rsLora);
    json.putNull("velora_config");
    return json;
  }

  /** How A starts; B always starts at zero. */
  public enum Init {
    /** PEFT's default ({@code init_lora_weights=True}): kaiming_uniform(a=sqrt(5)), U(-1/sqrt(in), 1/sqrt(in)). */
    KAIMING_UNIFORM,
    /** {@code init_lora_weights="gaussian"}: N(0, (1/r)^2). */
    GAUSSIAN
  }

  /** Which modules, by name (the checkpoint's canonical names, e.g. {@code language_model.layers.0.mlp.up_proj}). */
  public sealed interface Targets {

    boolean matches(String module);

    /** PEFT's rule for a string: the whole name matches the regular expression. */
    record Regex(String pattern) implements Targets {
      public Regex {
        Pattern.compile(pattern); // fails here on a bad expression, not at the first match
      }

      @Override
      public boolean matches(String module) {
        return Pattern.compile(pattern).matcher(module).matches();
      }
    }

    /** PEFT's rule for a list: the name is one of them or ends with "." and one of them. */
    record Names(List<String> names) implements Targets {
      public Names {
        names = List.copyOf(names);
      }

      @Override
      public boolean matches(String module) {
        return names.stream().anyMatch(n -> module.equals(n) || module.endsWith("." + n));
      }
    }
  }
}
