package dev.quire.index;

import dev.quire.index.PageStore.DocumentEntry;
import dev.quire.index.PageStore.Meta;
import dev.quire.index.PageStore.PageRow;
import dev.quire.index.PageStore.Tx;
import dev.quire.index.TextIndex.Match;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Everything that reads the index: documents and pages from the page store, BM25 and the dense
 * text stage from Lucene (confirmed against the page store, which Lucene trails by a moment),
 * snippets, snapshot readers of the page vectors, warming them, images and sizes.
 */
final class PageReader {
  /** Pages whose codes one reader warms before it is closed (a reader holds back map growth). */
  private static final int WARM_BATCH = 512;
  /** One read per memory page faults the page in. */
  private static final long WARM_STRIDE = 4096;

  private final Path directory;
  private final PageStore store;
  private final TextIndex text;
  private final PageImages images;
  private final IndexManifest manifest;
  private final Lifecycle lifecycle;
  /** Where warmBinaryCodes leaves its checksum, so that its reads are not optimised away. */
  @SuppressWarnings("unused")
  private volatile long warmChecksum;

  PageReader(
      Path directory,
      PageStore store,
      TextIndex text,
      PageImages images,
      IndexManifest manifest,
      Lifecycle lifecycle) {
    this.directory = directory;
    this.store = store;
    this.text = text;
    this.images = images;
    this.manifest = manifest;
    this.lifecycle = lifecycle;
  }

  Optional<float[][]> textVectors(long pageId) {
    return read(tx -> Optional.ofNullable(tx.textVectors(pageId)));
  }

  Map<Long, String> pagesWithoutTextVectors(String documentId) throws IOException {
    return store.read(tx -> {
      Map<Long, String> out = new LinkedHashMap<>();
      DocumentEntry entry = tx.document(documentId);
      if (entry != null) {
        for (long pageId : entry.pageIds()) {
          String pageText = tx.text(pageId);
          if (pageText != null && !pageText.isBlank() && tx.textVectors(pageId) == null) {
            out.put(pageId, pageText);
          }
        }
      }
      return out;
    });
  }

  Optional<DocumentRecord> document(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    return read(tx -> Optional.ofNullable(tx.document(documentId)).map(DocumentEntry::record));
  }

  List<DocumentRecord> documents() {
    return read(tx -> tx.documents().stream().map(DocumentEntry::record).toList());
  }

  Optional<PageInfo> page(long pageId) {
    return read(tx -> Optional.ofNullable(pageInfo(tx, pageId)));
  }

  Optional<PageInfo> page(String documentId, int pageNumber) {
    Objects.requireNonNull(documentId, "documentId");
    return read(
        tx -> {
          DocumentEntry entry = tx.document(documentId);
          long pageId = entry == null ? -1 : entry.pageId(pageNumber);
          return Optional.ofNullable(pageId < 0 ? null : pageInfo(tx, pageId));
        });
  }

  private static PageInfo pageInfo(Tx tx, long pageId) {
    int flag = tx.liveFlag(pageId);
    if (flag < 0) {
      return null;
    }
    PageRow row = tx.page(pageId);
    return new PageInfo(
        pageId,
        row.documentId(),
        row.pageNumber(),
        tx.text(pageId),
        flag == PageStore.LIVE_WITH_VECTORS);
  }

  /** See {@link PageIndex#searchText(String, int, PageFilter, boolean)}. */
  List<TextHit> searchText(String query, int n, PageFilter filter, boolean withSnippets)
      throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(filter, "filter");
    checkHits(n);
    Lock lock = lifecycle.enter();
    try {
      TextIndex.TextQuery parsed = text.parse(query);
      if (parsed == null) {
        return List.of();
      }
      List<Match> matches = text.search(parsed, n, filter);
      // Lucene trails the page store by a moment: drop pages deleted since its last refresh. The
      // document and page number come from the store's page row, read in place.
      List<TextHit> hits = new ArrayList<>(matches.size());
      List<String> texts =
          store.read(
              tx -> {
                List<String> found = new ArrayList<>(matches.size());
                for (Match match : matches) {
                  PageRow row = tx.liveFlag(match.pageId()) >= 0 ? tx.page(match.pageId()) : null;
                  if (row == null) {
                    continue;
                  }
                  hits.add(new TextHit(match.pageId(), row.documentId(), row.pageNumber(), match.score(), Snippet.EMPTY));
                  // The text is only read for highlighting: a large store need not page it in.
                  found.add(withSnippets ? tx.text(match.pageId()) : "");
                }
                return found;
              });
      if (withSnippets) {
        for (int i = 0; i < hits.size(); i++) {
          TextHit hit = hits.get(i);
          hits.set(i, new TextHit(hit.pageId(), hit.documentId(), hit.pageNumber(), hit.score(),
              text.snippet(parsed, texts.get(i))));
        }
      }
      return hits;
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PageIndex#searchTextVectors}. */
  List<TextHit> searchTextVectors(float[] query, int n, PageFilter filter) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(filter, "filter");
    checkHits(n);
    ModelStamp stamp = manifest.textModel();
    if (stamp == null) {
      return List.of();
    }
    if (query.length != stamp.dimension()) {
      throw new IllegalArgumentException("the query vector has " + query.length + " dimensions; the"
          + " index's text model " + stamp + " has " + stamp.dimension());
    }
    Lock lock = lifecycle.enter();
    try {
      List<Match> matches = text.nearest(query, n, filter);
      return store.read(tx -> {
        List<TextHit> hits = new ArrayList<>(matches.size());
        for (Match match : matches) {
          PageRow row = tx.liveFlag(match.pageId()) >= 0 ? tx.page(match.pageId()) : null;
          if (row != null) {
            hits.add(new TextHit(match.pageId(), row.documentId(), row.pageNumber(), match.score(), Snippet.EMPTY));
          }
        }
        return hits;
      });
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PageIndex#pageIds}. */
  long[] pageIds(PageFilter filter) throws IOException {
    Objects.requireNonNull(filter, "filter");
    Lock lock = lifecycle.enter();
    try {
      long[] matched = text.pageIds(filter);
      // Lucene trails the page store by a moment: keep the pages still visible.
      return store.read(tx -> LongStream.of(matched).filter(id -> tx.liveFlag(id) >= 0).toArray());
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PageIndex#hasPages}. */
  boolean hasPages(PageFilter filter) throws IOException {
    Objects.requireNonNull(filter, "filter");
    Lock lock = lifecycle.enter();
    try {
      return text.anyPage(filter);
    } finally {
      lock.unlock();
    }
  }

  private static void checkHits(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("number of hits must be positive, got " + n);
    }
  }

  /** See {@link PageIndex#snippets}. */
  Map<Long, Snippet> snippets(String query, Collection<Long> pageIds) throws IOException {
    Objects.requireNonNull(query, "query");
    Lock lock = lifecycle.enter();
    try {
      TextIndex.TextQuery parsed = text.parse(query);
      Map<Long, String> texts =
          store.read(
              tx -> {
                Map<Long, String> found = new LinkedHashMap<>();
                for (long pageId : pageIds) {
                  if (tx.liveFlag(pageId) >= 0) {
                    found.put(pageId, tx.text(pageId));
                  }
                }
                return found;
              });
      Map<Long, Snippet> out = new LinkedHashMap<>();
      for (Map.Entry<Long, String> e : texts.entrySet()) {
        out.put(e.getKey(), parsed == null ? Snippet.EMPTY : text.snippet(parsed, e.getValue()));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  VectorReader vectors() {
    Lock lock = lifecycle.enter();
    try {
      return store.openReader();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PageIndex#warmBinaryCodes}. */
  long warmBinaryCodes(BooleanSupplier stop) {
    LongStream.Builder listed = LongStream.builder();
    try (VectorReader reader = vectors()) {
      reader.forEachPage(listed);
    }
    long[] ids = listed.build().toArray();
    long bytes = 0;
    long checksum = 0;
    for (int from = 0; from < ids.length && !stop.getAsBoolean(); from += WARM_BATCH) {
      try (VectorReader reader = vectors()) {
        for (int i = from; i < Math.min(ids.length, from + WARM_BATCH); i++) {
          if (!reader.hasVectors(ids[i])) {
            continue; // deleted since the listing
          }
          reader.tokens(ids[i]); // the page row, which rescoring reads too
          MemorySegment codes = reader.binary(ids[i]);
          for (long at = 0; at < codes.byteSize(); at += WARM_STRIDE) {
            checksum += codes.get(ValueLayout.JAVA_BYTE, at);
          }
          bytes += codes.byteSize();
        }
      }
    }
    warmChecksum = checksum;
    return bytes;
  }

  Optional<Path> pageImage(String documentId, int pageNumber) {
    return imageFile(documentId, pageNumber).map(images::image);
  }

  Optional<Path> thumbnail(String documentId, int pageNumber) {
    return imageFile(documentId, pageNumber).map(images::thumbnail);
  }

  private Optional<String> imageFile(String documentId, int pageNumber) {
    Objects.requireNonNull(documentId, "documentId");
    return read(
        tx -> {
          DocumentEntry entry = tx.document(documentId);
          long pageId = entry == null ? -1 : entry.pageId(pageNumber);
          PageRow row = pageId < 0 ? null : tx.page(pageId);
          return Optional.ofNullable(row == null ? null : row.imageFile());
        });
  }

  IndexStats stats() throws IOException {
    Lock lock = lifecycle.enter();
    try {
      record Counts(
          long documents, long pages, long vectorPages, long binary, long half, long text) {}
      Counts counts =
          store.read(
              tx ->
                  new Counts(
                      tx.documentCount(),
                      tx.livePageCount(),
                      tx.counter(Meta.VECTOR_PAGES),
                      store.usedBytes(tx, store.binaryDbi()),
                      store.usedBytes(tx, store.halfDbi()),
                      store.usedBytes(tx, store.textDbi())));
      ModelStamp model = manifest.model();
      Path dataFile = store.directory().resolve("data.mdb");
      return new IndexStats(
          counts.documents(),
          counts.pages(),
          counts.vectorPages(),
          model == null ? 0 : model.dimension(),
          Optional.ofNullable(model),
          IndexStats.StoreSize.of(counts.binary(), counts.vectorPages()),
          IndexStats.StoreSize.of(counts.half(), counts.vectorPages()),
          IndexStats.StoreSize.of(counts.text(), counts.pages()),
          IndexStats.StoreSize.of(text.sizeBytes(), counts.pages()),
          IndexStats.StoreSize.of(images.imageBytes(), counts.pages()),
          IndexStats.StoreSize.of(images.thumbnailBytes(), counts.pages()),
          Files.exists(dataFile) ? Files.size(dataFile) : 0,
          treeBytes(directory));
    } finally {
      lock.unlock();
    }
  }

  private static long treeBytes(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (IOException e) {
                  return 0; // Deleted while we walked.
                }
              })
          .sum();
    }
  }

  private <R> R read(PageStore.TxWork<R> work) {
    Lock lock = lifecycle.enter();
    try {
      return store.read(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }
}
