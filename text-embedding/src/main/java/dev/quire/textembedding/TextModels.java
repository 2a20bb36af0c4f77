package dev.quire.textembedding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The text model a setting names ({@code --text-model}, the server's {@code textModel}):
 * {@code bge-small} (shipped, the default where a model is on), {@code none}, or the path of a
 * BGE-M3 folder (config.json, model.safetensors, tokenizer.json, colbert_linear.pt,
 * sparse_linear.pt), whose dense vectors then serve the dense and hybrid first stages.
 */
public final class TextModels {

  public static final String CHOICES = "bge-small, none or a BGE-M3 folder";

  private TextModels() {}

  /** The setting normalised: {@code bge-small}, {@code none}, or the folder path as given. */
  public static String normalize(String value) {
    String v = value == null ? "none" : value.strip();
    String lower = v.toLowerCase(Locale.ROOT);
    return lower.isEmpty() || lower.equals("none") ? "none" : lower.equals("bge-small") ? "bge-small" : v;
  }

  /** Whether {@code value} names a folder rather than {@code bge-small} or {@code none}. */
  public static boolean isFolder(String value) {
    String v = normalize(value);
    return !v.equals("none") && !v.equals("bge-small");
  }

  /**
   * Checks the setting without loading anything: {@code bge-small}, {@code none}, or an existing
   * folder with a config.json.
   */
  public static void check(String value) {
    if (isFolder(value)) {
      Path folder = Path.of(normalize(value));
      if (!Files.isDirectory(folder)) {
        throw new IllegalArgumentException("text model is " + CHOICES + ": '" + value
            + "' is not a folder");
      }
      if (!Files.isRegularFile(folder.resolve("config.json"))) {
        throw new IllegalArgumentException("text model folder " + folder + " has no config.json"
            + " (a BGE-M3 folder holds config.json, model.safetensors, tokenizer.json,"
            + " colbert_linear.pt and sparse_linear.pt)");
      }
    }
  }

  /** The embedder the setting names, or null for {@code none}. */
  public static TextEmbedder open(String value) {
    check(value);
    String v = normalize(value);
    return switch (v) {
      case "none" -> null;
      case "bge-small" -> OnnxTextEmbedder.bgeSmall(OnnxTextEmbedder.Options.defaults());
      default -> {
        try {
          yield BgeM3Embedder.open(Path.of(v), BgeM3Model.Options.defaults());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot load the BGE-M3 folder " + v + ": " + e.getMessage(), e);
        }
      }
    };
  }
}
