package dev.quire.server.security;

import java.util.Set;

/**
 * Who is calling, and what they may touch.
 *
 * @param name the key's name (never its secret), or {@code local} for the open loopback mode
 * @param collections collections this caller may use; {@code *} is every one
 * @param write may index and delete, not only read
 * @param admin every collection, plus the server's own metrics
 */
public record Principal(String name, Set<String> collections, boolean write, boolean admin) {

  /** Every caller when no keys are configured (the server then listens on loopback only). */
  public static final Principal LOCAL = new Principal("local", Set.of("*"), true, true);

  public Principal {
    collections = Set.copyOf(collections);
  }

  public boolean canRead(String collection) {
    return admin || collections.contains("*") || collections.contains(collection);
  }

  public boolean canWrite(String collection) {
    return canRead(collection) && (write || admin);
  }
}
