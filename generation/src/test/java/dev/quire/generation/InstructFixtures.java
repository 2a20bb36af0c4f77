package dev.quire.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.ReferenceFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The instruct-generation fixtures of tools/reference/make_instruct_fixtures.py (the model's test jar). */
public final class InstructFixtures {

  public static final Path ROOT = root();

  private InstructFixtures() {}

  private static Path root() {
    return ReferenceFolders.of("reference-instruct");
  }

  public static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  public static JsonNode json(String relative) {
    try {
      return new ObjectMapper().readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
