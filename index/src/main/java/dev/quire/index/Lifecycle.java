package dev.quire.index;

import java.nio.file.Path;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.store.AlreadyClosedException;

/**
 * Whether the index is open: every operation holds the read side while it runs, closing takes the
 * write side, so close waits for the operations in flight and later ones fail clearly.
 */
final class Lifecycle {
  private final Path directory;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  Lifecycle(Path directory) {
    this.directory = directory;
  }

  /** Enters an operation; unlock the returned lock when it is done. */
  Lock enter() {
    Lock read = lock.readLock();
    read.lock();
    if (closed) {
      read.unlock();
      throw new AlreadyClosedException("index " + directory + " is closed");
    }
    return read;
  }

  /** Marks the index closed once the operations in flight are done; false if it already was. */
  boolean close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
