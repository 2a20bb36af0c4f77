package dev.quire.model.qwen3vl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.ReferenceFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The reference fixtures written by tools/reference/make_fixtures.py; public for the encoder's
 * tests, which read them through this module's test jar.
 */
public final class Fixtures {

  public static final Path ROOT = root();

  private Fixtures() {}

  private static Path root() {
    return ReferenceFolders.of("reference");
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

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
