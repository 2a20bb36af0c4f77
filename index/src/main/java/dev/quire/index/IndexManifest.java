package dev.quire.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open index's {@link Manifest}: its language and the model stamps, written to disk before the
 * first vectors of a model reach the page store. Shared by the committer (which stamps) and the
 * reader (which checks).
 */
final class IndexManifest {
  private static final Logger LOG = LoggerFactory.getLogger(IndexManifest.class);

  private final Path directory;
  private volatile Manifest manifest;

  private IndexManifest(Path directory, Manifest manifest) {
    this.directory = directory;
    this.manifest = manifest;
  }

  /** Reads the manifest of {@code directory}, or writes a new one where the index is new. */
  static IndexManifest readOrCreate(Path directory, TextLanguage language) throws IOException {
    Path file = directory.resolve(Manifest.FILE_NAME);
    if (Files.exists(file)) {
      Manifest manifest = Manifest.read(file);
      if (language != null && language != manifest.language()) {
        throw new IllegalArgumentException(
            "index "
                + directory
                + " was built for "
                + manifest.language().name().toLowerCase(Locale.ROOT)
                + " text but was opened as "
                + language.name().toLowerCase(Locale.ROOT)
                + "; open it with its own language or build a new index");
      }
      return new IndexManifest(directory, manifest);
    }
    if (Files.exists(directory.resolve("pages")) || Files.exists(directory.resolve("text"))) {
      throw new IOException(
          "index " + directory + " has data but no " + Manifest.FILE_NAME + "; refusing to guess");
    }
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT_VERSION, language == null ? TextLanguage.ENGLISH : language, null, null);
    manifest.write(file);
    return new IndexManifest(directory, manifest);
  }

  TextLanguage language() {
    return manifest.language();
  }

  /** The page embedding model, or null before the first page with vectors. */
  ModelStamp model() {
    return manifest.model();
  }

  /** The text embedding model, or null before the first page with text vectors. */
  ModelStamp textModel() {
    return manifest.textModel();
  }

  /** Refuses a model other than the index's (any model is fine before the first vectors). */
  void checkModel(ModelStamp model) {
    Objects.requireNonNull(model, "model");
    ModelStamp stamp = manifest.model();
    if (stamp != null && !stamp.equals(model)) {
      throw new ModelMismatchException(directory.toString(), stamp, model);
    }
  }

  /** Refuses a text model other than the index's (any is fine before the first text vectors). */
  void checkTextModel(ModelStamp textModel) {
    Objects.requireNonNull(textModel, "textModel");
    ModelStamp stamp = manifest.textModel();
    if (stamp != null && !stamp.equals(textModel)) {
      throw new ModelMismatchException(directory.toString(), stamp, textModel);
    }
  }

  /** Records the model in the manifest before its first vectors are stored. */
  synchronized void stampModel(ModelStamp model) throws IOException {
    checkModel(model);
    if (manifest.model() == null) {
      write(manifest.withModel(model));
      LOG.info("index {} now holds vectors of {}", directory, model);
    }
  }

  /** Records the text model in the manifest before its first text vectors are stored. */
  synchronized void stampTextModel(ModelStamp textModel) throws IOException {
    checkTextModel(textModel);
    if (manifest.textModel() == null) {
      write(manifest.withTextModel(textModel));
      LOG.info("index {} now holds text vectors of {}", directory, textModel);
    }
  }

  private void write(Manifest stamped) throws IOException {
    stamped.write(directory.resolve(Manifest.FILE_NAME));
    manifest = stamped;
  }
}
