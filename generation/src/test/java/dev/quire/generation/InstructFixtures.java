package dev.quire.generation;

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

/**
 * The instruct-generation fixtures of tools/reference/make_instruct_fixtures.py, from the model
 * module's test jar: read in place in a reactor build, unpacked into target/ from a packaged jar
 * (checkpoints are memory-mapped, which needs real files).
 */
public final class InstructFixtures {

  public static final Path ROOT = root();

  private InstructFixtures() {}

  private static Path root() {
    URL index = InstructFixtures.class.getResource("/reference-instruct/index.json");
    if (index == null) {
      throw new IllegalStateException("the instruct fixtures (quire-model's test jar) are not on"
          + " the class path");
    }
    try {
      if (index.getProtocol().equals("file")) {
        return Path.of(index.toURI()).getParent();
      }
      Path target = Path.of("target", "model-reference").toAbsolutePath();
      URI jar = URI.create(index.toString().substring(0, index.toString().indexOf("!/")) + "!/");
      try (FileSystem zip = FileSystems.newFileSystem(jar, Map.of());
          Stream<Path> files = Files.walk(zip.getPath("/reference-instruct"))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path out = target.resolve(zip.getPath("/").relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(out);
          } else if (!Files.exists(out) || Files.size(out) != Files.size(file)) {
            Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return target.resolve("reference-instruct");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the instruct fixtures from " + index, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
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
