package dev.quire.server.collections;

import dev.quire.Quire;
import dev.quire.QuireConfig;
import dev.quire.datasets.ReaderConfig;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.index.IndexConfig;
import dev.quire.server.ServerConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collections under {@code <data>/collections/}: each folder with an {@code index/} is opened
 * at start; new ones are created on first write.
 */
public final class Collections implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Collections.class);

  private final Path root;
  private final ServerConfig.Limits limits;
  private final MultiVectorEncoder encoder;
  private final dev.quire.textembedding.TextEmbedder textEmbedder;
  private final Map<String, Collection> open = new TreeMap<>();
  /** Threads reading each collection's binary codes into memory after it opens. */
  private final List<Thread> warmers = new ArrayList<>();
  private volatile boolean closing;

  private Collections(Path root, ServerConfig.Limits limits, MultiVectorEncoder encoder,
      dev.quire.textembedding.TextEmbedder textEmbedder) {
    this.root = root;
    this.limits = limits;
    this.encoder = encoder;
    this.textEmbedder = textEmbedder;
  }

  /** Opens every collection under {@code dataDirectory}. */
  public static Collections open(
      Path dataDirectory, ServerConfig.Limits limits, MultiVectorEncoder encoder) throws IOException {
    return open(dataDirectory, limits, encoder, null);
  }

  /** As {@link #open(Path, ServerConfig.Limits, MultiVectorEncoder)}, embedding page text too. */
  public static Collections open(Path dataDirectory, ServerConfig.Limits limits,
      MultiVectorEncoder encoder, dev.quire.textembedding.TextEmbedder textEmbedder) throws IOException {
    Path root = dataDirectory.resolve("collections");
    Files.createDirectories(root);
    Collections collections = new Collections(root, limits, encoder, textEmbedder);
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path folder : folders) {
        String name = folder.getFileName().toString();
        if (ServerConfig.COLLECTION_NAME.matcher(name).matches()
            && Files.isDirectory(folder.resolve("index"))) {
          collections.openCollection(name);
        }
      }
    } catch (IOException | RuntimeException e) {
      collections.close();
      throw e;
    }
    return collections;
  }

  public synchronized Optional<Collection> get(String name) {
    return Optional.ofNullable(open.get(name));
  }

  /** The collection, created when missing. */
  public synchronized Collection getOrCreate(String name) throws IOException {
    Collection existing = open.get(name);
    if (existing != null) {
      return existing;
    }
    if (!ServerConfig.COLLECTION_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a valid collection name (" + ServerConfig.COLLECTION_NAME.pattern()
              + ")");
    }
    LOG.info("creating collection {}", name);
    return openCollection(name);
  }

  public synchronized List<Collection> all() {
    return new ArrayList<>(open.values());
  }

  public Optional<MultiVectorEncoder> encoder() {
    return Optional.ofNullable(encoder);
  }

  /** The text embedding model of the dense and hybrid first stages, if the server loads one. */
  public Optional<dev.quire.textembedding.TextEmbedder> textEmbedder() {
    return Optional.ofNullable(textEmbedder);
  }

  /** How documents are read: the server's pixel and page limits, ids from the file's path. */
  public ReaderConfig readerConfig() {
    ReaderConfig defaults = ReaderConfig.defaults();
    return new ReaderConfig(
        defaults.maxDpi(),
        defaults.targetPixels(),
        Math.max(limits.maxImagePixels(), defaults.targetPixels()),
        limits.maxPagesPerDocument(),
        defaults.idMode(),
        defaults.ocr(),
        defaults.maxPageSidePoints(),
        defaults.ocrConfig());
  }

  private Collection openCollection(String name) throws IOException {
    Path directory = root.resolve(name);
    Files.createDirectories(directory.resolve("jobs"));
    Files.createDirectories(directory.resolve("uploads"));
    Path indexDirectory = directory.resolve("index");
    QuireConfig config =
        QuireConfig.defaults(indexDirectory)
            .withIndex(IndexConfig.defaults(indexDirectory).withLanguage(null))
            .withReader(readerConfig());
    Collection collection = new Collection(name, directory, Quire.open(config, encoder, textEmbedder));
    open.put(name, collection);
    warm(collection);
    return collection;
  }

  /**
   * Reads the collection's binary codes in the background, so that the first searches of a store
   * larger than memory do not wait on the disk for their Hamming pre-filter.
   */
  private void warm(Collection collection) {
    warmers.add(
        Thread.ofPlatform()
            .daemon()
            .name("quire-warm-" + collection.name())
            .start(
                () -> {
                  long start = System.nanoTime();
                  try {
                    long bytes = collection.quire().warmUp(() -> closing);
                    if (bytes > 0 && !closing) {
                      LOG.info(
                          "collection {}: {} MB of binary codes read into memory in {} s",
                          collection.name(), bytes >> 20, (System.nanoTime() - start) / 1_000_000_000);
                    }
                  } catch (RuntimeException e) {
                    if (!closing) {
                      LOG.warn("collection {}: could not warm its binary codes: {}",
                          collection.name(), e.getMessage());
                    }
                  }
                }));
  }

  @Override
  public synchronized void close() throws IOException {
    closing = true;
    for (Thread warmer : warmers) {
      try {
        warmer.join(); // it stops after its current batch and closes its reader
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    IOException first = null;
    for (Collection c : open.values()) {
      try {
        c.quire().close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
