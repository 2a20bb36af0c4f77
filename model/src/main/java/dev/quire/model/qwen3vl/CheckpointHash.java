package dev.quire.model.qwen3vl;

import dev.quire.model.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What identifies the weights an encoder loaded: SHA-256 over the lines
 * {@code <role>/<file name> <SHA-256 of the file>} of every weight file (checkpoint shards, then
 * the adapter's), so renaming the folder keeps the hash and changing any byte changes it.
 *
 * <p>Hashing an 8 GB checkpoint takes seconds, so file digests are cached in a folder (one small
 * file per weight file, named by the SHA-256 of its absolute path, size, modification time and
 * file key); a changed file misses the cache. The cache is only an accelerator: unreadable or
 * unwritable, it is ignored.
 */
public final class CheckpointHash {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointHash.class);

  private CheckpointHash() {}

  public static String of(List<Path> checkpointFiles, List<Path> adapterFiles, Path cache)
      throws IOException {
    StringBuilder lines = new StringBuilder();
    for (Path file : checkpointFiles) {
      lines.append("checkpoint/").append(file.getFileName()).append(' ')
          .append(fileDigest(file, cache)).append('\n');
    }
    for (Path file : adapterFiles) {
      lines.append("adapter/").append(file.getFileName()).append(' ')
          .append(fileDigest(file, cache)).append('\n');
    }
    return hex(sha256().digest(lines.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static String fileDigest(Path file, Path cache) throws IOException {
    Path entry = cache == null ? null : cache.resolve(cacheKey(file) + ".sha256");
    if (entry != null && Files.isRegularFile(entry)) {
      try {
        String cached = Files.readString(entry).trim();
        if (cached.matches("[0-9a-f]{64}")) {
          return cached;
        }
      } catch (IOException e) {
        LOG.debug("checkpoint hash cache entry {} unreadable: {}", entry, e.toString());
      }
    }
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    String hex = hex(digest.digest());
    if (entry != null) {
      store(entry, hex);
    }
    return hex;
  }

  private static void store(Path entry, String hex) {
    try {
      AtomicFiles.write(entry, out -> out.write((hex + "\n").getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      LOG.warn("cannot write the checkpoint hash cache entry {}: {}", entry, e.toString());
    }
  }

  private static String cacheKey(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    String key = file.toAbsolutePath().normalize() + "|" + attributes.size() + "|"
        + attributes.lastModifiedTime().toInstant() + "|" + attributes.fileKey();
    return hex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
