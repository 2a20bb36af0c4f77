package dev.quire.cli;

import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.encoder.colqwen3.EmbeddingExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Writes the multi-vectors of images or queries, with the token ids and the processed image grid,
 * so that Quire's embeddings can be compared with another implementation's on anyone's inputs.
 */
@Command(
    name = "embed",
    description = {
      "Embed images or queries with a model and write the multi-vectors to a file.",
      "Safetensors (left-padded batch, as colpali-engine returns it) unless the file ends in .json."
    })
final class EmbedCommand implements Callable<Integer> {

  @Mixin ModelOptions model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Inputs inputs;

  static final class Inputs {
    @Option(names = "--image", paramLabel = "FILE", required = true, description = "An image to embed (repeatable).")
    List<Path> images;

    @Option(names = "--query", paramLabel = "TEXT", required = true, description = "A query to embed (repeatable).")
    List<String> queries;
  }

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "Output file (.safetensors or .json).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (model.model == null) {
      throw new ParameterException(spec.commandLine(), "quire embed needs --model DIR (or $QUIRE_MODEL)");
    }
    try (ColQwen3Encoder encoder = model.open()) {
      int count;
      if (inputs.images != null) {
        EmbeddingExport.writeImages(encoder, inputs.images, out);
        count = inputs.images.size();
      } else {
        EmbeddingExport.writeQueries(encoder, inputs.queries, out);
        count = inputs.queries.size();
      }
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.printf("Wrote %d %s of %s (dimension %d, %s) to %s%n", count,
          inputs.images != null ? "image embeddings" : "query embeddings",
          encoder.info().name(), encoder.info().dimension(),
          EmbeddingExport.formatOf(out).name().toLowerCase(Locale.ROOT), out);
      return 0;
    }
  }
}
