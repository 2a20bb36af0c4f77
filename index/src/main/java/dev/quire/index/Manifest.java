package dev.quire.index;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.apache.lucene.util.IOUtils;

/**
 * {@code manifest.json}: what a reader must know before trusting the stores. The model stamps (the
 * page embedding model's and the text embedding model's) are written before the first vectors of
 * each reach the page store, so no stored vector lacks a stamp.
 */
record Manifest(int formatVersion, TextLanguage language, ModelStamp model, ModelStamp textModel) {
  static final int FORMAT_VERSION = 1;
  static final String FILE_NAME = "manifest.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  Manifest {
    Objects.requireNonNull(language, "language");
  }

  Manifest withModel(ModelStamp newModel) {
    return new Manifest(formatVersion, language, newModel, textModel);
  }

  Manifest withTextModel(ModelStamp newTextModel) {
    return new Manifest(formatVersion, language, model, newTextModel);
  }

  static Manifest read(Path file) throws IOException {
    Manifest manifest;
    try {
      manifest = JSON.readValue(file.toFile(), Manifest.class);
    } catch (JacksonException e) {
      throw new IOException("cannot read index manifest " + file + ": " + e.getOriginalMessage(), e);
    }
    if (manifest.formatVersion() != FORMAT_VERSION) {
      throw new IOException(
          "index manifest "
              + file
              + " has format version "
              + manifest.formatVersion()
              + "; this version of Quire reads format "
              + FORMAT_VERSION);
    }
    return manifest;
  }

  /** Replaces the file atomically and durably: a crash leaves the old or the new manifest. */
  void write(Path file) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(this));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    IOUtils.fsync(file.getParent(), true);
  }
}
