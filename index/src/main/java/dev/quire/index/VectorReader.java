package dev.quire.index;

import java.lang.foreign.MemorySegment;
import java.util.function.LongConsumer;

/**
 * A consistent snapshot of the page vectors, read straight from the LMDB memory map.
 *
 * <p>The segments it hands out are views of the map, not copies, at any alignment; they are valid
 * until the reader is closed and then throw on access. A reader belongs to the thread that opened
 * it (open one per thread: it is cheap); the map cannot grow while readers are open, so keep them
 * short-lived.
 */
public interface VectorReader extends AutoCloseable {

  /**
   * Where one page's blob starts in {@link #memory} and how many vectors it holds: what a kernel
   * needs to score the page in place.
   */
  record PageBlob(long offset, int tokens) {}

  /** Whether the page is visible and carries embeddings. */
  boolean hasVectors(long pageId);

  /** Number of vectors of the page. */
  int tokens(long pageId);

  /** Dimension of the page's vectors. */
  int dimension(long pageId);

  /**
   * A read-only segment through which every blob of this snapshot is read in place, at the
   * offsets {@link #halfBlob} and {@link #binaryBlob} give: scoring pages through it allocates nothing
   * per page, where {@link #half} and {@link #binary} make a view per call. Valid until the reader
   * is closed; after that every access throws.
   */
  MemorySegment memory();

  /**
   * The half-precision blob of a page whose vectors have {@code dimension} dimensions (the
   * query's): throws when the page has another dimension or its blob is not the size its shape
   * needs, rather than let a kernel read past it.
   */
  PageBlob halfBlob(long pageId, int dimension);

  /** The binary-code blob of a page whose vectors have {@code dimension} dimensions, as {@link #halfBlob}. */
  PageBlob binaryBlob(long pageId, int dimension);

  /**
   * Where the half-precision blob of the page starts in {@link #memory}; it must hold {@code
   * bytes} bytes, or this throws rather than let a kernel read past it.
   */
  long halfAt(long pageId, long bytes);

  /** Where the binary-code blob of {@code bytes} bytes of the page starts in {@link #memory}. */
  long binaryAt(long pageId, long bytes);

  /** The half-precision blob of the page. */
  MemorySegment half(long pageId);

  /** The binary-code blob of the page. */
  MemorySegment binary(long pageId);

  /**
   * Says that these pages' half-precision copies (or binary codes) are read next, so that pages
   * not in memory come from disk together rather than one page fault at a time. Only a hint.
   */
  default void willRead(long[] pageIds, boolean halfPrecision) {}

  /** Every visible page that carries embeddings, in page id order. */
  void forEachPage(LongConsumer pageIds);

  @Override
  void close();
}
