package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.Lock;
import java.util.function.LongConsumer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * A {@link VectorReader} over one LMDB read transaction. Blobs are handed out as views of the map
 * re-scoped to a confined arena, so a segment used after {@link #close} (when LMDB may have
 * unmapped or reused its pages) throws instead of reading stray memory.
 */
final class LmdbVectorReader implements VectorReader {
  private final PageStore store;
  private final Txn<MemorySegment> txn;
  private final Lock mapReadLock;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment key = arena.allocate(Long.BYTES);
  private final Thread owner = Thread.currentThread();
  private boolean closed;

  LmdbVectorReader(PageStore store, Txn<MemorySegment> txn, Lock mapReadLock) {
    this.store = store;
    this.txn = txn;
    this.mapReadLock = mapReadLock;
  }

  private MemorySegment key(long pageId) {
    if (closed) {
      throw new IllegalStateException("vector reader is closed");
    }
    key.set(PageStore.LONG_KEY, 0, pageId);
    return key;
  }

  @Override
  public boolean hasVectors(long pageId) {
    MemorySegment flag = store.liveDbi().get(txn, key(pageId));
    return flag != null && flag.get(JAVA_BYTE, 0) == PageStore.LIVE_WITH_VECTORS;
  }

  @Override
  public int tokens(long pageId) {
    return row(pageId).get(PageStore.PageRow.INT, PageStore.PageRow.TOKENS_OFFSET);
  }

  @Override
  public int dimension(long pageId) {
    return row(pageId).get(PageStore.PageRow.INT, PageStore.PageRow.DIMENSION_OFFSET);
  }

  /** The encoded row of a page with vectors, read in place. */
  private MemorySegment row(long pageId) {
    MemorySegment value = store.pagesDbi().get(txn, key(pageId));
    if (value == null) {
      throw new NoSuchElementException("no page " + pageId + " in this snapshot");
    }
    if (value.get(JAVA_BYTE, PageStore.PageRow.FLAGS_OFFSET) == 0) {
      throw new NoSuchElementException("page " + pageId + " has no vectors");
    }
    return value;
  }

  @Override
  public MemorySegment half(long pageId) {
    return blob(store.halfDbi().get(txn, key(pageId)), pageId, "half-precision vectors");
  }

  @Override
  public MemorySegment binary(long pageId) {
    return blob(store.binaryDbi().get(txn, key(pageId)), pageId, "binary codes");
  }

  @Override
  public void willRead(long[] pageIds, boolean halfPrecision) {
    for (long pageId : pageIds) {
      MemorySegment value = (halfPrecision ? store.halfDbi() : store.binaryDbi()).get(txn, key(pageId));
      if (value != null) {
        ReadAdvice.willNeed(value);
      }
    }
  }

  @SuppressWarnings("restricted") // a view of the map, re-scoped to the reader's lifetime
  private MemorySegment blob(MemorySegment value, long pageId, String what) {
    if (value == null) {
      throw new NoSuchElementException("page " + pageId + " has no " + what + " in this snapshot");
    }
    return value.reinterpret(arena, null).asReadOnly();
  }

  @Override
  public void forEachPage(LongConsumer pageIds) {
    key(0);
    try (Cursor<MemorySegment> cursor = store.liveDbi().openCursor(txn)) {
      for (boolean more = cursor.first(); more; more = cursor.next()) {
        if (cursor.val().get(JAVA_BYTE, 0) == PageStore.LIVE_WITH_VECTORS) {
          pageIds.accept(cursor.key().get(PageStore.LONG_KEY, 0));
        }
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "a VectorReader must be closed by the thread that opened it (" + owner.getName() + ")");
    }
    closed = true;
    try {
      txn.close();
      arena.close();
    } finally {
      mapReadLock.unlock();
    }
  }
}
