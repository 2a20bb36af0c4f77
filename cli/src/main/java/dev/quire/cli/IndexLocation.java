package dev.quire.cli;

import dev.quire.QuireConfig;
import dev.quire.index.IndexConfig;
import dev.quire.index.TextLanguage;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command shares: which index folder, and its text language. */
final class IndexLocation {

  @Option(
      names = "--index",
      paramLabel = "DIR",
      defaultValue = "${env:QUIRE_INDEX:-quire-index}",
      description = "Index folder (default: $QUIRE_INDEX, else ./quire-index).")
  Path directory;

  @Option(
      names = "--language",
      paramLabel = "LANG",
      defaultValue = "${env:QUIRE_LANGUAGE:-english}",
      description =
          "Text analysis language of a new index: english, french, german, spanish, italian"
              + " (default: ${DEFAULT-VALUE}).")
  String language;

  QuireConfig config() {
    IndexConfig defaults = IndexConfig.defaults(directory);
    IndexConfig index =
        new IndexConfig(
            directory,
            TextLanguage.parse(language),
            defaults.initialMapSizeBytes(),
            defaults.thumbnailWidth());
    return QuireConfig.defaults(directory).withIndex(index);
  }
}
