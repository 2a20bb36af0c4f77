package dev.quire.encoder.colqwen3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The reference fixtures written by tools/reference/make_fixtures.py. */
final class Fixtures {

  static final Path ROOT = root();

  private Fixtures() {}

  /**
   * The fixtures come from the model module's test jar: in a reactor build its test-classes
   * folder is on the class path and read in place; from a packaged test jar they are unpacked
   * once into target/ (checkpoints are memory-mapped, which needs real files).
   */
  private static Path root() {
    URL index = Fixtures.class.getResource("/reference/index.json");
    if (index == null) {
      throw new IllegalStateException("the reference fixtures (quire-model's test jar) are not on"
          + " the class path");
    }
    try {
      if (index.getProtocol().equals("file")) {
        return Path.of(index.toURI()).getParent();
      }
      Path target = Path.of("target", "model-reference").toAbsolutePath();
      URI jar = URI.create(index.toString().substring(0, index.toString().indexOf("!/")) + "!/");
      try (FileSystem zip = FileSystems.newFileSystem(jar, Map.of());
          Stream<Path> files = Files.walk(zip.getPath("/reference"))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path out = target.resolve(zip.getPath("/").relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(out);
          } else if (!Files.exists(out) || Files.size(out) != Files.size(file)) {
            Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return target.resolve("reference");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the reference fixtures from " + index, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
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
