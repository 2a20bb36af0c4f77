package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import jnr.ffi.Pointer;
import org.lmdbjava.BufferProxy;

/**
 * Lets lmdbjava exchange keys and values as {@link MemorySegment}s: values come back as views of
 * the LMDB map (zero copy). lmdbjava's own ByteBuffer proxies rewrite private fields of {@code
 * java.nio.Buffer}, which needs {@code --add-opens java.base/java.nio} and {@code sun.misc.Unsafe};
 * the foreign memory API needs neither.
 */
final class SegmentBufferProxy extends BufferProxy<MemorySegment> {
  static final SegmentBufferProxy INSTANCE = new SegmentBufferProxy();

  /** Unsigned lexicographic order, the order LMDB uses for keys. */
  private static final Comparator<MemorySegment> UNSIGNED =
      (a, b) -> {
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

  private SegmentBufferProxy() {}

  /** The MDB_val struct {size_t mv_size; void *mv_data;} that lmdbjava passes to LMDB. */
  @SuppressWarnings("restricted") // the pointer comes from lmdbjava and spans one MDB_val
  private static MemorySegment mdbVal(Pointer pointer) {
    return MemorySegment.ofAddress(pointer.address()).reinterpret(MDB_VAL_STRUCT_SIZE);
  }

  @Override
  protected MemorySegment allocate() {
    return MemorySegment.NULL;
  }

  @Override
  protected void deallocate(MemorySegment buffer) {
    // Segments handed to lmdbjava are owned by their arenas or by the map.
  }

  @Override
  protected byte[] getBytes(MemorySegment buffer) {
    return buffer.toArray(JAVA_BYTE);
  }

  @Override
  protected Comparator<MemorySegment> getSignedComparator() {
    return UNSIGNED;
  }

  @Override
  protected Comparator<MemorySegment> getUnsignedComparator() {
    return UNSIGNED;
  }

  @Override
  protected Pointer in(MemorySegment buffer, Pointer pointer) {
    return in(buffer, buffer.byteSize(), pointer);
  }

  @Override
  protected Pointer in(MemorySegment buffer, int size, Pointer pointer) {
    return in(buffer, (long) size, pointer);
  }

  private static Pointer in(MemorySegment buffer, long size, Pointer pointer) {
    if (!buffer.isNative() && buffer.byteSize() > 0) {
      throw new IllegalArgumentException("LMDB keys and values must be native segments");
    }
    MemorySegment val = mdbVal(pointer);
    val.set(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_SIZE, size);
    val.set(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_DATA, buffer.address());
    return null;
  }

  @Override
  @SuppressWarnings("restricted") // LMDB says where the value lies and how long it is
  protected MemorySegment out(MemorySegment buffer, Pointer pointer) {
    MemorySegment val = mdbVal(pointer);
    long size = val.get(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_SIZE);
    long data = val.get(JAVA_LONG_UNALIGNED, STRUCT_FIELD_OFFSET_DATA);
    return MemorySegment.ofAddress(data).reinterpret(size);
  }
}
