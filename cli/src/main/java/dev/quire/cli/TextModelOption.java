package dev.quire.cli;

import dev.quire.textembedding.TextEmbedder;
import dev.quire.textembedding.TextModels;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --text-model}: the text embedding model of the dense and hybrid first stages. */
final class TextModelOption {

  @Option(
      names = "--text-model",
      paramLabel = "bge-small|none|DIR",
      defaultValue = "${env:QUIRE_TEXT_MODEL:-none}",
      description =
          "Text embedding model for the dense and hybrid first stages: bge-small (shipped with"
              + " Quire, no download), a BGE-M3 folder (config.json, model.safetensors,"
              + " tokenizer.json, colbert_linear.pt, sparse_linear.pt; its dense vectors) or none"
              + " (default: ${DEFAULT-VALUE}).")
  String textModel;

  @Option(
      names = "--text-vectors",
      paramLabel = "int8|float32",
      defaultValue = "int8",
      description =
          "How the text vectors' HNSW graph stores what it searches: int8 scalar-quantised copies"
              + " (default: a quarter of the memory) or the float32 vectors.")
  String textVectors;

  /** Whether --text-vectors asks for the quantised graph. */
  boolean quantized() {
    return switch (textVectors == null ? "int8" : textVectors.strip().toLowerCase(Locale.ROOT)) {
      case "int8" -> true;
      case "float32" -> false;
      default -> throw new IllegalArgumentException("--text-vectors is int8 or float32, not " + textVectors);
    };
  }

  /** The text embedder --text-model names, or null for none. */
  TextEmbedder open() {
    try {
      TextModels.check(textModel);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--text-model: " + e.getMessage(), e);
    }
    return TextModels.open(textModel);
  }
}
