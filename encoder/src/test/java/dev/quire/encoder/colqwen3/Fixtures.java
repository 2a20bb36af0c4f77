package dev.quire.encoder.colqwen3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.ReferenceFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The reference fixtures written by tools/reference/make_fixtures.py. */
final class Fixtures {

  static final Path ROOT = root();

  private Fixtures() {}

  /** The fixtures live in the model module, which owns the Qwen3-VL reference (its test jar). */
  private static Path root() {
    return ReferenceFolders.of("reference");
  }

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static JsonNode json(String relative) {
    try {
      return new ObjectMapper().readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
