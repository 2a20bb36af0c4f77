package dev.quire.training.data;

import java.nio.file.Path;
import java.util.Objects;

/** A page of a document file on disk, 1-based: what an example's query should find. */
public record PageRef(Path file, int page) {
  public PageRef {
    Objects.requireNonNull(file, "file");
    if (page < 1) {
      throw new IllegalArgumentException("pages count from 1, got " + page + " for " + file);
    }
  }

  @Override
  public String toString() {
    return file.getFileName() + " p." + page;
  }
}
