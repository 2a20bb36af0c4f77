package dev.quire.index;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code madvise(MADV_WILLNEED)} over parts of the memory map: the kernel starts reading them from
 * disk at once, all in parallel, instead of one page fault at a time when a kernel touches them.
 * The map itself is opened without read-ahead (a page fault reads one page, not its neighbours,
 * which in this store are mostly other pages' vectors), so this is how a rescoring stage asks for
 * exactly the blobs it is about to read. Only a hint: where the call is missing it does nothing.
 */
final class ReadAdvice {
  private static final int MADV_WILLNEED = 3; // Linux and the BSDs
  private static final long OS_PAGE = 4096;
  private static final Optional<MethodHandle> MADVISE = lookup();

  private ReadAdvice() {}

  private static Optional<MethodHandle> lookup() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.empty();
    }
    try {
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup()
          .find("madvise")
          .map(symbol -> linker.downcallHandle(
              symbol, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Asks for {@code size} bytes of the map at {@code address} to be read ahead. */
  @SuppressWarnings("restricted") // the range lies inside the map LMDB handed the blob out from
  static void willNeed(long address, long size) {
    if (MADVISE.isEmpty() || size == 0) {
      return;
    }
    long start = address & -OS_PAGE;
    try {
      int ignored = (int) MADVISE.get().invokeExact(MemorySegment.ofAddress(start), address + size - start, MADV_WILLNEED);
    } catch (Throwable e) {
      // A hint that failed changes nothing but speed.
    }
  }
}
