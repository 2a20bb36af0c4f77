package dev.quire.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.server.jobs.JobRecord;
import dev.quire.server.jobs.JobView;
import dev.quire.server.jobs.Jobs;
import dev.quire.server.security.Principal;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.List;
import java.util.Optional;

/** The indexing jobs: list, one, cancel, and live progress as server-sent events. */
final class JobController {

  record JobList(List<JobView> jobs) {}

  private final ServerContext context;
  private final AccessControl access;

  JobController(ServerContext context, AccessControl access) {
    this.context = context;
    this.access = access;
  }

  void list(Context ctx) {
    Principal caller = AccessControl.principal(ctx);
    String only = ctx.queryParam("collection");
    if (only != null) {
      access.readable(ctx, only);
    }
    int limit = Bodies.intParam(ctx, "limit", 50, 1, 1000);
    ctx.json(
        new JobList(
            context.jobs().list(c -> caller.canRead(c) && (only == null || only.equals(c))).stream()
                .limit(limit)
                .map(JobView::of)
                .toList()));
  }

  void get(Context ctx) {
    ctx.json(JobView.of(visible(ctx)));
  }

  void cancel(Context ctx) {
    JobRecord job = visible(ctx);
    Principal caller = AccessControl.principal(ctx);
    if (!caller.canWrite(job.collection())) {
      throw ApiException.forbidden(
          "key '" + caller.name() + "' may not change collection '" + job.collection() + "'");
    }
    try {
      JobRecord after = context.jobs().cancel(job.id(), caller.name(), ServerApp.requestId(ctx));
      ctx.status(after.state().finished() ? 200 : 202).json(JobView.of(after));
    } catch (Jobs.JobFinishedException e) {
      throw new ApiException(409, "JOB_FINISHED", e.getMessage());
    }
  }

  /**
   * {@code progress} events while the job runs, one {@code done} event when it finishes, then the
   * stream ends; {@code shutdown} if the server stops first (the job resumes after the restart).
   */
  void events(Context ctx) {
    JobRecord job = visible(ctx);
    if (!EventStreamAccept.accepts(ctx.header(Header.ACCEPT))) {
      throw new ApiException(
          406, "NOT_ACCEPTABLE",
          "this route streams server-sent events: send Accept: text/event-stream (or */*)");
    }
    new SseHandler(0, client -> stream(client, job.id())).handle(ctx);
  }

  private void stream(SseClient client, String id) {
    ObjectMapper json = context.json();
    JobRecord now = context.jobs().get(id).orElse(null);
    if (now != null && now.state().finished()) {
      // Ended before the client came: one done event, and the stream ends when this returns.
      client.sendEvent("done", write(json, now), null);
      return;
    }
    client.keepAlive();
    Jobs.Watcher watcher =
        new Jobs.Watcher() {
          @Override
          public void changed(JobRecord job) {
            client.sendEvent(job.state().finished() ? "done" : "progress", write(json, job), null);
            if (job.state().finished()) {
              client.close();
            }
          }

          @Override
          public void closed() {
            client.sendEvent("shutdown", "{\"message\":\"the server is stopping\"}", null);
            client.close();
          }
        };
    Optional<Runnable> remove = context.jobs().watch(id, watcher);
    remove.ifPresent(client::onClose);
    // The state now, after subscribing, so no change falls between the two.
    context.jobs().get(id).ifPresent(watcher::changed);
  }

  private static String write(ObjectMapper json, JobRecord job) {
    try {
      return json.writeValueAsString(JobView.of(job));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a job view always serialises", e);
    }
  }

  /** A document-task job's results so far: a JSON line per document (application/x-ndjson). */
  void results(Context ctx) throws java.io.IOException {
    JobRecord job = visible(ctx);
    java.nio.file.Path file = context.jobs().results(job.id()).orElseThrow(() -> new ApiException(404,
        "JOB_HAS_NO_RESULTS", "job " + job.id() + " indexes documents; only document-task jobs have results"));
    ctx.contentType("application/x-ndjson");
    ctx.result(java.nio.file.Files.exists(file) ? java.nio.file.Files.readAllBytes(file) : new byte[0]);
  }

  private JobRecord visible(Context ctx) {
    String id = ctx.pathParam("id");
    Principal caller = AccessControl.principal(ctx);
    return context
        .jobs()
        .get(id)
        .filter(j -> caller.canRead(j.collection()))
        .orElseThrow(() -> ApiException.notFound("JOB_NOT_FOUND", "no job '" + AccessControl.abbreviate(id) + "'"));
  }
}
