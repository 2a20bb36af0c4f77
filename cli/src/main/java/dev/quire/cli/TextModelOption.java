package dev.quire.cli;

import dev.quire.textembedding.OnnxTextEmbedder;
import dev.quire.textembedding.TextEmbedder;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --text-model}: the text embedding model of the dense and hybrid first stages. */
final class TextModelOption {

  @Option(
      names = "--text-model",
      paramLabel = "bge-small|none",
      defaultValue = "${env:QUIRE_TEXT_MODEL:-none}",
      description =
          "Text embedding model for the dense and hybrid first stages: bge-small (shipped with"
              + " Quire, no download) or none (default: ${DEFAULT-VALUE}).")
  String textModel;

  /** The text embedder --text-model names, or null for none. */
  TextEmbedder open() {
    return switch (textModel == null ? "none" : textModel.strip().toLowerCase(Locale.ROOT)) {
      case "none", "" -> null;
      case "bge-small" -> OnnxTextEmbedder.bgeSmall(OnnxTextEmbedder.Options.defaults());
      default -> throw new IllegalArgumentException("--text-model is bge-small or none, not " + textModel);
    };
  }
}
