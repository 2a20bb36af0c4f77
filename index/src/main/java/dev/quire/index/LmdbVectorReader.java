package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.Lock;
import java.util.function.LongConsumer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * A {@link VectorReader} over one LMDB read transaction. Blobs are read through one segment of the
 * whole address space scoped to a confined arena, so a blob used after {@link #close} (when LMDB
 * may have unmapped or reused its pages) throws instead of reading stray memory, and finding a
 * page's blobs allocates nothing: LMDB says where a value lies in the one {@link MdbVal} of the
 * transaction, and that address is the blob's offset in the segment. (LMDB does not tell where its
 * map starts unless it is mapped at a fixed address, so the segment cannot be just the map; every
 * offset handed out is checked against the size of the value LMDB returned instead.)
 */
final class LmdbVectorReader implements VectorReader {
  private final PageStore store;
  private final Txn<MdbVal> txn;
  private final Lock mapReadLock;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment keyBytes = arena.allocate(Long.BYTES);
  private final MdbVal key = MdbVal.of(keyBytes);
  private final MemorySegment memory;
  private final Thread owner = Thread.currentThread();
  private boolean closed;

  @SuppressWarnings("restricted") // read only at the addresses LMDB hands out, checked against sizes
  LmdbVectorReader(PageStore store, Txn<MdbVal> txn, Lock mapReadLock) {
    this.store = store;
    this.txn = txn;
    this.mapReadLock = mapReadLock;
    this.memory = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, arena, null).asReadOnly();
  }

  private MdbVal key(long pageId) {
    if (closed) {
      throw new IllegalStateException("vector reader is closed");
    }
    keyBytes.set(PageStore.LONG_KEY, 0, pageId);
    return key;
  }

  /** The value of a page in a sub-database, or null; overwritten by the transaction's next read. */
  private MdbVal value(Dbi<MdbVal> dbi, long pageId) {
    return dbi.get(txn, key(pageId));
  }

  @Override
  public MemorySegment memory() {
    return memory;
  }

  @Override
  public boolean hasVectors(long pageId) {
    MdbVal flag = value(store.liveDbi(), pageId);
    return flag != null && flag.size() > 0 && memory.get(JAVA_BYTE, flag.address()) == PageStore.LIVE_WITH_VECTORS;
  }

  @Override
  public int tokens(long pageId) {
    return memory.get(PageStore.PageRow.INT, row(pageId) + PageStore.PageRow.TOKENS_OFFSET);
  }

  @Override
  public int dimension(long pageId) {
    return memory.get(PageStore.PageRow.INT, row(pageId) + PageStore.PageRow.DIMENSION_OFFSET);
  }

  /** Where the encoded row of a page with vectors starts. */
  private long row(long pageId) {
    MdbVal row = value(store.pagesDbi(), pageId);
    if (row == null) {
      throw new NoSuchElementException("no page " + pageId + " in this snapshot");
    }
    if (row.size() <= PageStore.PageRow.FLAGS_OFFSET) {
      throw new IllegalStateException("the row of page " + pageId + " is truncated");
    }
    if (memory.get(JAVA_BYTE, row.address() + PageStore.PageRow.FLAGS_OFFSET) == 0) {
      throw new NoSuchElementException("page " + pageId + " has no vectors");
    }
    return row.address();
  }

  @Override
  public PageBlob halfBlob(long pageId, int dimension) {
    return pageBlob(pageId, dimension, true);
  }

  @Override
  public PageBlob binaryBlob(long pageId, int dimension) {
    return pageBlob(pageId, dimension, false);
  }

  /** A page's half-precision vectors or binary codes, sized from its row's token count. */
  private PageBlob pageBlob(long pageId, int dimension, boolean half) {
    long row = row(pageId);
    int tokens = memory.get(PageStore.PageRow.INT, row + PageStore.PageRow.TOKENS_OFFSET);
    checkDimension(pageId, memory.get(PageStore.PageRow.INT, row + PageStore.PageRow.DIMENSION_OFFSET), dimension);
    long address = half
        ? halfAt(pageId, PageCodec.halfBytes(tokens, dimension))
        : binaryAt(pageId, PageCodec.binaryBytes(tokens, dimension));
    return new PageBlob(address, tokens);
  }

  private static void checkDimension(long pageId, int stored, int expected) {
    if (stored != expected) {
      throw new IllegalArgumentException("page " + pageId + " holds vectors of dimension " + stored
          + ", not " + expected);
    }
  }

  @Override
  public long halfAt(long pageId, long bytes) {
    return blob(store.halfDbi(), pageId, bytes, "half-precision vectors").address();
  }

  @Override
  public long binaryAt(long pageId, long bytes) {
    return blob(store.binaryDbi(), pageId, bytes, "binary codes").address();
  }

  @Override
  public MemorySegment half(long pageId) {
    MdbVal blob = blob(store.halfDbi(), pageId, -1, "half-precision vectors");
    return memory.asSlice(blob.address(), blob.size());
  }

  @Override
  public MemorySegment binary(long pageId) {
    MdbVal blob = blob(store.binaryDbi(), pageId, -1, "binary codes");
    return memory.asSlice(blob.address(), blob.size());
  }

  /** The blob of a page; of {@code bytes} bytes unless that is negative. */
  private MdbVal blob(Dbi<MdbVal> dbi, long pageId, long bytes, String what) {
    MdbVal blob = value(dbi, pageId);
    if (blob == null) {
      throw new NoSuchElementException("page " + pageId + " has no " + what + " in this snapshot");
    }
    if (bytes >= 0 && blob.size() != bytes) {
      throw new IllegalStateException("the " + what + " of page " + pageId + " hold " + blob.size()
          + " bytes, not the " + bytes + " its shape needs");
    }
    return blob;
  }

  @Override
  public void willRead(long[] pageIds, boolean halfPrecision) {
    Dbi<MdbVal> dbi = halfPrecision ? store.halfDbi() : store.binaryDbi();
    for (long pageId : pageIds) {
      MdbVal value = value(dbi, pageId);
      if (value != null) {
        ReadAdvice.willNeed(value.address(), value.size());
      }
    }
  }

  @Override
  public void forEachPage(LongConsumer pageIds) {
    key(0);
    try (Cursor<MdbVal> cursor = store.liveDbi().openCursor(txn)) {
      for (boolean more = cursor.first(); more; more = cursor.next()) {
        if (memory.get(JAVA_BYTE, cursor.val().address()) == PageStore.LIVE_WITH_VECTORS) {
          pageIds.accept(memory.get(PageStore.LONG_KEY, cursor.key().address()));
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
