package dev.quire.server.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who indexed, deleted or cancelled what: one JSON object per line in {@code <data>/audit.jsonl},
 * written through to disk before the action is acknowledged, and echoed to the {@code quire.audit}
 * logger.
 */
public final class AuditLog implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger("quire.audit");

  private final FileChannel file;
  private final ObjectMapper json;
  private final Clock clock;

  public AuditLog(Path file, ObjectMapper json, Clock clock) throws IOException {
    this.file =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    this.json = json;
    this.clock = clock;
  }

  /**
   * @param actor the key's name ({@code system} for the server's own jobs)
   * @param action e.g. {@code index.submitted}, {@code document.deleted}, {@code job.cancelled}
   * @param details what was acted on, as short strings
   */
  public void record(
      String requestId, String actor, String action, String collection, Map<String, ?> details) {
    ObjectNode entry = json.createObjectNode();
    entry.put("ts", clock.instant().toString());
    entry.put("request_id", requestId);
    entry.put("actor", actor);
    entry.put("action", action);
    entry.put("collection", collection);
    entry.set("details", json.valueToTree(details));
    String line = entry.toString();
    synchronized (this) {
      try {
        file.write(StandardCharsets.UTF_8.encode(line + "\n"));
        file.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the audit log", e);
      }
    }
    LOG.info(line);
  }

  @Override
  public synchronized void close() throws IOException {
    file.close();
  }
}
