package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import jnr.ffi.Pointer;
import org.lmdbjava.BufferProxy;

/**
 * Lets lmdbjava exchange keys and values as {@link MdbVal}s: values come back as places in the
 * LMDB map (zero copy), written into the one {@code MdbVal} a transaction or cursor keeps for them,
 * so a read allocates nothing. lmdbjava's own ByteBuffer proxies rewrite private fields of {@code
 * java.nio.Buffer}, which needs {@code --add-opens java.base/java.nio} and {@code sun.misc.Unsafe};
 * this needs neither.
 */
final class MdbValProxy extends BufferProxy<MdbVal> {
  static final MdbValProxy INSTANCE = new MdbValProxy();

  /** Unsigned lexicographic order, the order LMDB uses for keys. */
  private static final Comparator<MdbVal> UNSIGNED =
      (x, y) -> {
        MemorySegment a = x.segment();
        MemorySegment b = y.segment();
        long at = a.mismatch(b);
        if (at < 0) {
          return 0;
        }
        if (at == a.byteSize()) {
          return -1;
        }
        if (at == b.byteSize()) {
          return 1;
        }
        return Integer.compare(
            Byte.toUnsignedInt(a.get(JAVA_BYTE, at)), Byte.toUnsignedInt(b.get(JAVA_BYTE, at)));
      };

  private MdbValProxy() {}

  @Override
  protected MdbVal allocate() {
    return new MdbVal();
  }

  @Override
  protected void deallocate(MdbVal buffer) {
    // The bytes belong to their arenas or to the map.
  }

  @Override
  protected byte[] getBytes(MdbVal buffer) {
    return buffer.toArray();
  }

  @Override
  protected Comparator<MdbVal> getSignedComparator() {
    return UNSIGNED;
  }

  @Override
  protected Comparator<MdbVal> getUnsignedComparator() {
    return UNSIGNED;
  }

  @Override
  protected Pointer in(MdbVal buffer, Pointer pointer) {
    return in(buffer, buffer.size(), pointer);
  }

  @Override
  protected Pointer in(MdbVal buffer, int size, Pointer pointer) {
    return in(buffer, (long) size, pointer);
  }

  /** Fills the MDB_val struct {size_t mv_size; void *mv_data;} that lmdbjava passes to LMDB. */
  private static Pointer in(MdbVal buffer, long size, Pointer pointer) {
    pointer.putLong(STRUCT_FIELD_OFFSET_SIZE, size);
    pointer.putLong(STRUCT_FIELD_OFFSET_DATA, buffer.address());
    return null;
  }

  @Override
  protected MdbVal out(MdbVal buffer, Pointer pointer) {
    buffer.set(pointer.getLong(STRUCT_FIELD_OFFSET_DATA), pointer.getLong(STRUCT_FIELD_OFFSET_SIZE));
    return buffer;
  }
}
