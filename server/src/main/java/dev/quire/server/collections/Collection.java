package dev.quire.server.collections;

import dev.quire.Quire;
import java.nio.file.Path;

/**
 * One tenant's index: its own folder, its own {@link Quire}. Nothing is shared between
 * collections but the encoder.
 *
 * @param directory holds {@code index/}, {@code jobs/} and {@code uploads/}
 */
public record Collection(String name, Path directory, Quire quire) {

  public Path jobsDirectory() {
    return directory.resolve("jobs");
  }

  public Path uploadsDirectory() {
    return directory.resolve("uploads");
  }
}
