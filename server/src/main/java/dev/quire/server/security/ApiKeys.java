package dev.quire.server.security;

import dev.quire.server.ServerConfig.ApiKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The configured API keys. A presented key is hashed and compared with every configured hash in
 * constant time ({@link MessageDigest#isEqual}), without stopping at the first match, so neither
 * the secret's bytes nor which key matched leak through timing.
 */
public final class ApiKeys {

  private record Entry(byte[] sha256, Principal principal) {}

  private final List<Entry> entries;

  public ApiKeys(List<ApiKeySpec> specs) {
    this.entries =
        specs.stream()
            .map(
                s ->
                    new Entry(
                        HexFormat.of().parseHex(s.sha256()),
                        new Principal(s.name(), s.collections(), s.write(), s.admin())))
            .toList();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The principal whose key this is, if any. */
  public Optional<Principal> authenticate(String presentedKey) {
    if (presentedKey == null) {
      return Optional.empty();
    }
    byte[] presented = sha256(presentedKey);
    Principal found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.sha256(), presented)) {
        found = entry.principal();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The principal of a key by its name, for URLs signed on its behalf. */
  public Optional<Principal> byName(String name) {
    return entries.stream()
        .map(Entry::principal)
        .filter(p -> p.name().equals(name))
        .findFirst();
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
