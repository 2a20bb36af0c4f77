package dev.quire.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Ctrl+C for long-running commands: the first one sets a flag the work checks (it stops cleanly
 * and keeps what it has); a second one exits at once.
 */
final class Interrupts {

  private Interrupts() {}

  static void onInterrupt(AtomicBoolean flag) {
    try {
      Signal.handle(new Signal("INT"), signal -> {
        if (!flag.compareAndSet(false, true)) {
          Runtime.getRuntime().halt(130);
        }
      });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // no SIGINT here (some embedded runtimes): Ctrl+C ends the JVM as usual
    }
  }
}
