package dev.quire.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server-sent events on a response; a failed write marks the client gone, so the work it asked
 * for can stop ({@link #gone()}).
 */
final class ServerSentEvents {
  private final OutputStream out;
  private final AtomicBoolean gone = new AtomicBoolean();

  private ServerSentEvents(OutputStream out) {
    this.out = out;
  }

  /** Starts the stream: status 200, the event-stream type, no caching or proxy buffering. */
  static ServerSentEvents start(Context ctx) throws IOException {
    ctx.res().setStatus(200);
    ctx.res().setContentType("text/event-stream; charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    return new ServerSentEvents(ctx.res().getOutputStream());
  }

  /** An unnamed event (OpenAI's streams). */
  void send(JsonNode data) {
    write("data: " + data + "\n\n");
  }

  /** A named event. */
  void send(String event, JsonNode data) {
    write("event: " + event + "\ndata: " + data + "\n\n");
  }

  /** OpenAI's end of stream. */
  void done() {
    write("data: [DONE]\n\n");
  }

  boolean gone() {
    return gone.get();
  }

  private void write(String text) {
    if (gone.get()) {
      return;
    }
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      gone.set(true);
    }
  }
}
