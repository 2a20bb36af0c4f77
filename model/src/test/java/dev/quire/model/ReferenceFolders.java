package dev.quire.model;

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
 * The reference fixture folders of tools/reference ({@code reference}, {@code reference-instruct})
 * as real folders, for this module's tests and for the modules that read them through its test
 * jar: in place when the class path holds the test-classes folder (a reactor build), unpacked
 * once into the calling module's {@code target/} when it holds the packaged jar (checkpoints are
 * memory-mapped, which needs files).
 */
public final class ReferenceFolders {

  private ReferenceFolders() {}

  /** The folder {@code name} (holding an {@code index.json}) of the fixtures. */
  public static Path of(String name) {
    URL index = ReferenceFolders.class.getResource("/" + name + "/index.json");
    if (index == null) {
      throw new IllegalStateException("the fixtures /" + name + " (quire-model's test jar) are not"
          + " on the class path");
    }
    try {
      if (index.getProtocol().equals("file")) {
        return Path.of(index.toURI()).getParent();
      }
      Path target = Path.of("target", "model-reference").toAbsolutePath();
      URI jar = URI.create(index.toString().substring(0, index.toString().indexOf("!/")) + "!/");
      try (FileSystem zip = FileSystems.newFileSystem(jar, Map.of());
          Stream<Path> files = Files.walk(zip.getPath("/" + name))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path out = target.resolve(zip.getPath("/").relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(out);
          } else if (!Files.exists(out) || Files.size(out) != Files.size(file)) {
            Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      return target.resolve(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the fixtures /" + name + " from " + index, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
