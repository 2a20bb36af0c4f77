package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LMDB page store, source of truth of the index.
 *
 * <p>Sub-databases: {@code documents} (document id to {@link DocumentEntry}), {@code pages} (page
 * id to {@link PageRow}), {@code text}, {@code binary} and {@code half} (page id to bytes; the
 * Hamming pre-filter touches only {@code binary}, so the codes stay packed together), {@code live}
 * (the visible pages, page id to flags), {@code staging} (document id to {@link StagingEntry}),
 * {@code changes} (sequence to document id, replayed into Lucene) and {@code meta} (counters).
 * Page ids are 8-byte big-endian keys so that key order is id order.
 *
 * <p>The map grows by doubling when a write transaction hits MDB_MAP_FULL; LMDB allows that only
 * while this process has no transaction open, so readers share {@link #mapLock} and the resize
 * takes it exclusively.
 */
final class PageStore implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PageStore.class);
  static final ValueLayout.OfLong LONG_KEY =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  static final byte LIVE_TEXT_ONLY = 0;
  static final byte LIVE_WITH_VECTORS = 1;
  private static final int MAX_READERS = 512;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final Env<MdbVal> env;
  private final Dbi<MdbVal> meta;
  private final Dbi<MdbVal> documents;
  private final Dbi<MdbVal> pages;
  private final Dbi<MdbVal> text;
  private final Dbi<MdbVal> binary;
  private final Dbi<MdbVal> half;
  private final Dbi<MdbVal> live;
  private final Dbi<MdbVal> staging;
  private final Dbi<MdbVal> changes;
  private final Dbi<MdbVal> textVectors;
  private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();
  private final ReentrantLock writerLock = new ReentrantLock();

  /** A document as stored: the public record plus its pages, ordered by page number. */
  record DocumentEntry(
      String documentId,
      String sourcePath,
      String contentHash,
      long sizeBytes,
      String mediaType,
      int pageCount,
      String indexedAt,
      Map<String, String> metadata,
      int[] pageNumbers,
      long[] pageIds,
      int vectorPages) {

    static DocumentEntry of(
        DocumentRecord record, int[] pageNumbers, long[] pageIds, int vectorPages) {
      return new DocumentEntry(
          record.documentId(),
          record.sourcePath(),
          record.contentHash(),
          record.sizeBytes(),
          record.mediaType(),
          record.pageCount(),
          record.indexedAt().toString(),
          record.metadata(),
          pageNumbers,
          pageIds,
          vectorPages);
    }

    DocumentRecord record() {
      return new DocumentRecord(
          documentId,
          sourcePath,
          contentHash,
          sizeBytes,
          mediaType,
          pageCount,
          Instant.parse(indexedAt),
          metadata);
    }

    /** The page id of a page number, or -1. */
    long pageId(int pageNumber) {
      int at = Arrays.binarySearch(pageNumbers, pageNumber);
      return at < 0 ? -1 : pageIds[at];
    }
  }

  /** The pages staged for one document id, content hash and model. */
  record StagingEntry(
      String documentId,
      String contentHash,
      ModelStamp model,
      long generation,
      long startedAtMillis,
      long updatedAtMillis,
      SortedMap<Integer, Long> pages) {

    boolean resumableBy(String hash, ModelStamp otherModel) {
      return contentHash.equals(hash) && Objects.equals(model, otherModel);
    }

    StagingEntry withPage(int pageNumber, long pageId, long nowMillis) {
      SortedMap<Integer, Long> more = new TreeMap<>(pages);
      more.put(pageNumber, pageId);
      return new StagingEntry(
          documentId, contentHash, model, generation, startedAtMillis, nowMillis, more);
    }
  }

  /** One page's fixed-size facts; text and blobs live in their own sub-databases. */
  record PageRow(
      String documentId,
      int pageNumber,
      int tokens,
      int dimension,
      boolean hasVectors,
      String textSource,
      String imageFile) {

    // Fixed-size fields first, so that a reader finds them in place without decoding.
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final long TOKENS_OFFSET = 4;
    static final long DIMENSION_OFFSET = 8;
    static final long FLAGS_OFFSET = 12;

    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(pageNumber);
        out.writeInt(tokens);
        out.writeInt(dimension);
        out.writeBoolean(hasVectors);
        out.writeUTF(documentId);
        out.writeUTF(textSource);
        out.writeUTF(imageFile == null ? "" : imageFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static PageRow decode(byte[] bytes) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        int pageNumber = in.readInt();
        int tokens = in.readInt();
        int dimension = in.readInt();
        boolean hasVectors = in.readBoolean();
        String documentId = in.readUTF();
        String textSource = in.readUTF();
        String imageFile = in.readUTF();
        return new PageRow(
            documentId,
            pageNumber,
            tokens,
            dimension,
            hasVectors,
            textSource,
            imageFile.isEmpty() ? null : imageFile);
      } catch (IOException e) {
        throw new UncheckedIOException("corrupt page row", e);
      }
    }
  }

  /** An entry of the change log: the document whose pages changed at this sequence. */
  record Change(long sequence, String documentId) {}

  /** Work done inside one transaction. */
  @FunctionalInterface
  interface TxWork<R> {
    R run(Tx tx) throws IOException;
  }

  private PageStore(Path directory, Env<MdbVal> env) {
    this.directory = directory;
    this.env = env;
    this.meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
    this.documents = env.openDbi("documents", DbiFlags.MDB_CREATE);
    this.pages = env.openDbi("pages", DbiFlags.MDB_CREATE);
    this.text = env.openDbi("text", DbiFlags.MDB_CREATE);
    this.binary = env.openDbi("binary", DbiFlags.MDB_CREATE);
    this.half = env.openDbi("half", DbiFlags.MDB_CREATE);
    this.live = env.openDbi("live", DbiFlags.MDB_CREATE);
    this.staging = env.openDbi("staging", DbiFlags.MDB_CREATE);
    this.changes = env.openDbi("changes", DbiFlags.MDB_CREATE);
    this.textVectors = env.openDbi("textvec", DbiFlags.MDB_CREATE);
  }

  static PageStore open(Path directory, long initialMapSize) throws IOException {
    Files.createDirectories(directory);
    Env<MdbVal> env;
    try {
      env =
          Env.create(MdbValProxy.INSTANCE)
              .setMapSize(initialMapSize)
              .setMaxDbs(16)
              .setMaxReaders(MAX_READERS)
              // Read transactions are not tied to threads: many per thread, and any thread. No
              // read-ahead: around a page's 16 KB of binary codes lie other pages' vectors, which
              // read-ahead would pull in and cache in place of codes that are read again;
              // rescoring asks for the blobs it reads instead (VectorReader.willRead).
              .open(directory.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NORDAHEAD);
    } catch (LmdbException e) {
      throw new IOException("cannot open the page store in " + directory + ": " + e.getMessage(), e);
    }
    try {
      // LMDB keeps at least the size already used; grow to the configured size if it is larger.
      if (env.info().mapSize < initialMapSize) {
        env.setMapSize(initialMapSize);
      }
      return new PageStore(directory, env);
    } catch (RuntimeException e) {
      env.close();
      throw new IOException("cannot open the page store in " + directory + ": " + e.getMessage(), e);
    }
  }

  Path directory() {
    return directory;
  }

  long mapSize() {
    return env.info().mapSize;
  }

  /** Runs {@code work} in a read transaction. */
  <R> R read(TxWork<R> work) throws IOException {
    mapLock.readLock().lock();
    try (Arena arena = Arena.ofConfined();
        Txn<MdbVal> txn = env.txnRead()) {
      return work.run(new Tx(txn, arena));
    } catch (LmdbException e) {
      throw failure(e);
    } finally {
      mapLock.readLock().unlock();
    }
  }

  /**
   * Runs {@code work} in a write transaction and commits it (durably). When the map is full the
   * transaction is aborted, the map doubled and {@code work} run again, so it must have no effect
   * outside the transaction.
   */
  <R> R write(TxWork<R> work) throws IOException {
    writerLock.lock();
    try {
      while (true) {
        mapLock.readLock().lock();
        try (Arena arena = Arena.ofConfined();
            Txn<MdbVal> txn = env.txnWrite()) {
          R result = work.run(new Tx(txn, arena));
          txn.commit();
          return result;
        } catch (Env.MapFullException e) {
          LOG.debug("page store map of {} bytes is full", env.info().mapSize);
        } catch (LmdbException e) {
          throw failure(e);
        } finally {
          mapLock.readLock().unlock();
        }
        grow();
      }
    } finally {
      writerLock.unlock();
    }
  }

  private void grow() {
    if (mapLock.getReadHoldCount() > 0) {
      throw new IllegalStateException(
          "the page store in "
              + directory
              + " must grow, but this thread holds an open reader; close it before writing");
    }
    mapLock.writeLock().lock();
    try {
      long size = env.info().mapSize;
      env.setMapSize(size * 2);
      LOG.info("page store map grown from {} to {} bytes", size, size * 2);
    } finally {
      mapLock.writeLock().unlock();
    }
  }

  /** Opens a long-lived read transaction for a {@link VectorReader}. */
  LmdbVectorReader openReader() throws IOException {
    mapLock.readLock().lock();
    try {
      return new LmdbVectorReader(this, env.txnRead(), mapLock.readLock());
    } catch (LmdbException e) {
      mapLock.readLock().unlock();
      throw failure(e);
    } catch (RuntimeException e) {
      mapLock.readLock().unlock();
      throw e;
    }
  }

  Dbi<MdbVal> binaryDbi() {
    return binary;
  }

  Dbi<MdbVal> halfDbi() {
    return half;
  }

  Dbi<MdbVal> textDbi() {
    return text;
  }

  Dbi<MdbVal> pagesDbi() {
    return pages;
  }

  Dbi<MdbVal> liveDbi() {
    return live;
  }

  /** Bytes of LMDB pages used by a sub-database (branch, leaf and overflow pages). */
  long usedBytes(Tx tx, Dbi<MdbVal> dbi) {
    Stat stat = dbi.stat(tx.txn);
    return (stat.branchPages + stat.leafPages + stat.overflowPages) * (long) stat.pageSize;
  }

  private IOException failure(LmdbException e) {
    if (e instanceof Env.ReadersFullException) {
      return new IOException(
          "the page store in " + directory + " has " + MAX_READERS + " readers open; close some",
          e);
    }
    return new IOException("page store " + directory + ": " + e.getMessage(), e);
  }

  @Override
  public void close() throws IOException {
    try {
      if (!mapLock.writeLock().tryLock(30, TimeUnit.SECONDS)) {
        throw new IOException(
            "cannot close the page store in " + directory + ": readers are still open");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while closing the page store in " + directory, e);
    }
    try {
      env.close();
    } finally {
      mapLock.writeLock().unlock();
    }
  }

  /** Typed access to the sub-databases within one transaction. */
  final class Tx {
    final Txn<MdbVal> txn;
    private final Arena arena;

    Tx(Txn<MdbVal> txn, Arena arena) {
      this.txn = txn;
      this.arena = arena;
    }

    MdbVal longKey(long value) {
      MemorySegment key = arena.allocate(Long.BYTES);
      key.set(LONG_KEY, 0, value);
      return MdbVal.of(key);
    }

    MdbVal stringKey(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      MemorySegment key = arena.allocate(Math.max(1, bytes.length)).asSlice(0, bytes.length);
      MemorySegment.copy(bytes, 0, key, JAVA_BYTE, 0, bytes.length);
      return MdbVal.of(key);
    }

    private void put(Dbi<MdbVal> dbi, MdbVal key, byte[] value) {
      MemorySegment target = dbi.reserve(txn, key, value.length).segment();
      MemorySegment.copy(value, 0, target, JAVA_BYTE, 0, value.length);
    }

    private byte[] get(Dbi<MdbVal> dbi, MdbVal key) {
      MdbVal value = dbi.get(txn, key);
      return value == null ? null : value.toArray();
    }

    // ---- meta counters

    long counter(String name) {
      MdbVal value = meta.get(txn, stringKey(name));
      return value == null ? 0 : value.segment().get(LONG_KEY, 0);
    }

    void setCounter(String name, long value) {
      meta.reserve(txn, stringKey(name), Long.BYTES).segment().set(LONG_KEY, 0, value);
    }

    // ---- documents

    DocumentEntry document(String documentId) throws IOException {
      byte[] value = get(documents, stringKey(documentId));
      return value == null ? null : JSON.readValue(value, DocumentEntry.class);
    }

    void putDocument(DocumentEntry entry) throws IOException {
      put(documents, stringKey(entry.documentId()), JSON.writeValueAsBytes(entry));
    }

    void deleteDocument(String documentId) {
      documents.delete(txn, stringKey(documentId));
    }

    List<DocumentEntry> documents() throws IOException {
      List<DocumentEntry> all = new ArrayList<>();
      try (Cursor<MdbVal> cursor = documents.openCursor(txn)) {
        for (boolean more = cursor.first(); more; more = cursor.next()) {
          all.add(JSON.readValue(cursor.val().toArray(), DocumentEntry.class));
        }
      }
      return all;
    }

    long documentCount() {
      return documents.stat(txn).entries;
    }

    // ---- pages

    PageRow page(long pageId) {
      byte[] value = get(pages, longKey(pageId));
      return value == null ? null : PageRow.decode(value);
    }

    String text(long pageId) {
      byte[] value = get(text, longKey(pageId));
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    void putPage(long pageId, PageRow row, String pageText, PageVectors vectors) {
      putPage(pageId, row, pageText, vectors, null);
    }

    /** A page with everything it stores, in this transaction: a crash keeps all of it or none. */
    void putPage(long pageId, PageRow row, String pageText, PageVectors vectors, TextVectors chunks) {
      MdbVal key = longKey(pageId);
      put(pages, key, row.encode());
      put(text, key, pageText.getBytes(StandardCharsets.UTF_8));
      if (vectors != null) {
        put(binary, key, vectors.binary());
        put(half, key, vectors.half());
      }
      if (chunks != null) {
        put(textVectors, key, chunks.encode());
      }
    }

    void putTextVectors(long pageId, TextVectors chunks) {
      put(textVectors, longKey(pageId), chunks.encode());
    }

    float[][] textVectors(long pageId) {
      byte[] value = get(textVectors, longKey(pageId));
      return value == null ? null : TextVectors.decode(value);
    }

    /** Removes every trace of a page; returns its row, or null if there was none. */
    PageRow deletePage(long pageId) {
      MdbVal key = longKey(pageId);
      PageRow row = page(pageId);
      pages.delete(txn, key);
      text.delete(txn, key);
      binary.delete(txn, key);
      half.delete(txn, key);
      textVectors.delete(txn, key);
      live.delete(txn, key);
      return row;
    }

    boolean pageExists(long pageId) {
      return pages.get(txn, longKey(pageId)) != null;
    }

    /** The live flag of a page: -1 when the page is not visible. */
    int liveFlag(long pageId) {
      MdbVal value = live.get(txn, longKey(pageId));
      return value == null ? -1 : value.segment().get(JAVA_BYTE, 0);
    }

    void setLive(long pageId, boolean hasVectors) {
      live.reserve(txn, longKey(pageId), 1)
          .segment()
          .set(JAVA_BYTE, 0, hasVectors ? LIVE_WITH_VECTORS : LIVE_TEXT_ONLY);
    }

    long livePageCount() {
      return live.stat(txn).entries;
    }

    // ---- staging

    StagingEntry staging(String documentId) throws IOException {
      byte[] value = get(staging, stringKey(documentId));
      return value == null ? null : JSON.readValue(value, StagingEntry.class);
    }

    void putStaging(StagingEntry entry) throws IOException {
      put(staging, stringKey(entry.documentId()), JSON.writeValueAsBytes(entry));
    }

    void deleteStaging(String documentId) {
      staging.delete(txn, stringKey(documentId));
    }

    List<StagingEntry> stagings() throws IOException {
      List<StagingEntry> all = new ArrayList<>();
      try (Cursor<MdbVal> cursor = staging.openCursor(txn)) {
        for (boolean more = cursor.first(); more; more = cursor.next()) {
          all.add(JSON.readValue(cursor.val().toArray(), StagingEntry.class));
        }
      }
      return all;
    }

    // ---- change log

    long appendChange(String documentId) {
      long sequence = counter(Meta.LAST_SEQUENCE) + 1;
      setCounter(Meta.LAST_SEQUENCE, sequence);
      put(changes, longKey(sequence), documentId.getBytes(StandardCharsets.UTF_8));
      return sequence;
    }

    long lastSequence() {
      return counter(Meta.LAST_SEQUENCE);
    }

    List<Change> changesAfter(long sequence) {
      List<Change> after = new ArrayList<>();
      try (Cursor<MdbVal> cursor = changes.openCursor(txn)) {
        for (boolean more = cursor.first(); more; more = cursor.next()) {
          long at = cursor.key().segment().get(LONG_KEY, 0);
          if (at > sequence) {
            after.add(
                new Change(at, new String(cursor.val().toArray(), StandardCharsets.UTF_8)));
          }
        }
      }
      return after;
    }

    /** Drops the change log up to {@code sequence}, which the text index holds durably. */
    void pruneChanges(long sequence) {
      if (sequence <= counter(Meta.PRUNED_THROUGH)) {
        return;
      }
      List<Long> done = new ArrayList<>();
      try (Cursor<MdbVal> cursor = changes.openCursor(txn)) {
        for (boolean more = cursor.first(); more; more = cursor.next()) {
          long at = cursor.key().segment().get(LONG_KEY, 0);
          if (at > sequence) {
            break;
          }
          done.add(at);
        }
      }
      for (long at : done) {
        changes.delete(txn, longKey(at));
      }
      setCounter(Meta.PRUNED_THROUGH, sequence);
    }
  }

  /** Names of the counters in the {@code meta} sub-database. */
  static final class Meta {
    static final String NEXT_PAGE_ID = "nextPageId";
    static final String NEXT_GENERATION = "nextGeneration";
    static final String LAST_SEQUENCE = "lastSequence";
    static final String PRUNED_THROUGH = "prunedThrough";
    static final String VECTOR_PAGES = "vectorPages";

    private Meta() {}
  }
}
