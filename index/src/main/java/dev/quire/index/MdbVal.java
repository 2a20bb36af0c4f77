package dev.quire.index;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * A key or a value as LMDB's {@code MDB_val} describes it: where the bytes lie and how many there
 * are.
 *
 * <p>Mutable on purpose: lmdbjava hands every value a transaction or a cursor reads back in the one
 * object it allocated for it, so reading a page's blobs allocates nothing. What must outlive the
 * next read of the same transaction or cursor is copied out ({@link #toArray}) or viewed ({@link
 * #segment}) first.
 */
final class MdbVal {
  private long address;
  private long size;

  /** Bytes to hand to LMDB as a key or a value; they must stay put, so only native segments. */
  static MdbVal of(MemorySegment bytes) {
    if (!bytes.isNative() && bytes.byteSize() > 0) {
      throw new IllegalArgumentException("LMDB keys and values must be native segments");
    }
    MdbVal val = new MdbVal();
    val.set(bytes.address(), bytes.byteSize());
    return val;
  }

  void set(long address, long size) {
    this.address = address;
    this.size = size;
  }

  long address() {
    return address;
  }

  long size() {
    return size;
  }

  /**
   * A view of the bytes, not a copy: valid as long as LMDB keeps them where they are (for the
   * transaction, or until the next write into it).
   */
  @SuppressWarnings("restricted") // LMDB said where the bytes lie and how many there are
  MemorySegment segment() {
    return MemorySegment.ofAddress(address).reinterpret(size);
  }

  byte[] toArray() {
    return segment().toArray(JAVA_BYTE);
  }
}
