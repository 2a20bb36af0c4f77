package dev.quire.server.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON line per request on the {@code quire.access} logger. */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("quire.access");

  private final ObjectMapper json;

  public AccessLog(ObjectMapper json) {
    this.json = json;
  }

  /** What is logged of one request; never the query string (it may carry signatures). */
  public record Entry(
      Instant ts,
      String requestId,
      String method,
      String path,
      String route,
      int status,
      double millis,
      String caller,
      String ip,
      String userAgent,
      String errorCode) {}

  public void log(Entry e) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    ObjectNode line = json.createObjectNode();
    line.put("ts", e.ts().toString());
    line.put("request_id", e.requestId());
    line.put("method", e.method());
    line.put("path", e.path());
    line.put("route", e.route());
    line.put("status", e.status());
    line.put("ms", Math.round(e.millis() * 100) / 100.0);
    line.put("caller", e.caller());
    line.put("ip", e.ip());
    line.put("user_agent", e.userAgent());
    if (e.errorCode() != null) {
      line.put("error", e.errorCode());
    }
    LOG.info(line.toString());
  }
}
