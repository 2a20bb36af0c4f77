package dev.quire.server.api;

import dev.quire.server.collections.Collection;
import dev.quire.server.jobs.JobRecord;
import dev.quire.server.jobs.JobView;
import dev.quire.server.security.AllowedRoots;
import dev.quire.server.security.Principal;
import dev.quire.server.security.UrlFetcher;
import dev.quire.server.security.UrlGuard;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/index}: a multipart upload of documents, or JSON naming server-side paths under
 * the allowed roots (and, when enabled, URLs to fetch). Answers 202 with the queued job.
 */
final class IndexController {

  /** The JSON form of an index request. */
  record IndexBody(
      String collection, List<String> paths, List<String> urls, String webhookUrl, Boolean create) {}

  /** Server-side folders may hold many files; one job takes at most this many. */
  static final int MAX_DOCUMENTS_PER_JOB = 10_000;

  private final ServerContext context;
  private final AccessControl access;

  IndexController(ServerContext context, AccessControl access) {
    this.context = context;
    this.access = access;
  }

  void submit(Context ctx) throws Exception {
    if (ctx.isMultipartFormData()) {
      upload(ctx);
    } else {
      paths(ctx);
    }
  }

  private void upload(Context ctx) throws Exception {
    // The collection comes first from the query so a refused caller's upload is never parsed.
    String named = ctx.queryParam("collection");
    boolean create = create(ctx.queryParam("create"));
    Collection collection = access.writable(ctx, named, create);
    List<UploadedFile> files = ctx.uploadedFiles();
    String formCollection = Bodies.formField(ctx, "collection");
    if (formCollection != null && !formCollection.equals(collection.name())) {
      if (named != null) {
        throw ApiException.invalid("the query and the form name different collections");
      }
      collection =
          access.writable(ctx, formCollection, create || create(Bodies.formField(ctx, "create")));
    }
    if (files.isEmpty()) {
      throw ApiException.invalid("the upload holds no files; send them as multipart file parts");
    }
    int maxFiles = context.config().limits().maxFilesPerRequest();
    if (files.size() > maxFiles) {
      throw ApiException.invalid(
          "the upload holds " + files.size() + " files; at most " + maxFiles + " per request");
    }
    String webhook = webhook(Bodies.formField(ctx, "webhook_url"));
    List<Uploads.Received> received = new ArrayList<>();
    List<JobRecord.Skipped> rejected = new ArrayList<>();
    ApiException firstRejection = null;
    try {
      for (UploadedFile file : files) {
        try {
          received.add(
              Uploads.receive(
                  file.content(), file.filename(), context.config().limits().maxUploadBytes(),
                  context.temporaryDirectory(), context.reader()));
        } catch (ApiException e) {
          // One bad file in a batch costs only itself: the rest are indexed, it is reported.
          if (e.status() >= 500) {
            throw e;
          }
          firstRejection = firstRejection == null ? e : firstRejection;
          rejected.add(
              new JobRecord.Skipped(
                  Uploads.safeFileName(file.filename()), 0, e.code(), e.getMessage()));
        }
      }
      if (received.isEmpty()) {
        throw allRejected(firstRejection, rejected);
      }
      submitted(ctx, collection, List.of(), received, rejected, webhook);
    } finally {
      for (Uploads.Received r : received) {
        Files.deleteIfExists(r.file());
      }
    }
  }

  private void paths(Context ctx) throws Exception {
    IndexBody body = Bodies.json(ctx, IndexBody.class);
    Collection collection =
        access.writable(ctx, body.collection(), Boolean.TRUE.equals(body.create()));
    List<String> paths = body.paths() == null ? List.of() : body.paths();
    List<String> urls = body.urls() == null ? List.of() : body.urls();
    if (paths.isEmpty() && urls.isEmpty()) {
      throw ApiException.invalid("name documents to index: paths (server-side) or urls");
    }
    if (Bodies.hasNull(paths) || Bodies.hasNull(urls)) {
      throw ApiException.invalid("paths and urls must not contain null");
    }
    String webhook = webhook(body.webhookUrl());
    List<Path> files = serverFiles(paths);
    List<Uploads.Received> fetched = new ArrayList<>();
    try {
      fetched.addAll(fetch(urls));
      submitted(ctx, collection, files, fetched, List.of(), webhook);
    } finally {
      for (Uploads.Received r : fetched) {
        Files.deleteIfExists(r.file());
      }
    }
  }

  /** The {@code create} query parameter or form field: true or false, absent is false. */
  private static boolean create(String value) {
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw ApiException.invalid("create must be true or false, got '" + AccessControl.abbreviate(value) + "'", "create");
  }

  /**
   * When no file of an upload can be indexed: a lone file's own error; for several, one error of
   * the status they share (else 400) that names each file and why.
   */
  private static ApiException allRejected(ApiException first, List<JobRecord.Skipped> rejected) {
    if (rejected.size() == 1) {
      return first;
    }
    StringBuilder message = new StringBuilder("none of the " + rejected.size() + " files can be indexed: ");
    for (int i = 0; i < rejected.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(rejected.get(i).message());
    }
    boolean sameCode = rejected.stream().allMatch(r -> r.reason().equals(first.code()));
    if (sameCode) {
      return first.status() == 400
          ? new RequestValidationException(first.code(), message.toString(), null)
          : new ApiException(first.status(), first.code(), message.toString());
    }
    return new RequestValidationException("UPLOAD_REJECTED", message.toString(), null);
  }

  private void submitted(
      Context ctx, Collection collection, List<Path> files, List<Uploads.Received> received,
      List<JobRecord.Skipped> rejected, String webhook)
      throws IOException {
    Principal caller = AccessControl.principal(ctx);
    JobRecord job =
        context
            .jobs()
            .submit(
                collection, files, received.stream().map(Uploads.Received::upload).toList(),
                rejected, webhook, caller.name(), ServerApp.requestId(ctx), "api");
    ctx.status(202).header("Location", "/v1/jobs/" + job.id()).json(JobView.of(job));
  }

  private String webhook(String url) {
    return webhook(context, url);
  }

  /** A client's webhook URL, checked like any URL the server will call; null when none. */
  static String webhook(ServerContext context, String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      context.webhooks().check(url);
      return url.trim();
    } catch (UrlGuard.RefusedUrlException e) {
      throw new RequestValidationException(
          "WEBHOOK_REFUSED", "webhook_url refused: " + e.getMessage(), "webhook_url");
    }
  }

  /** The files the paths name: real paths under the allowed roots, folders walked. */
  private List<Path> serverFiles(List<String> paths) throws IOException {
    if (paths.isEmpty()) {
      return List.of();
    }
    AllowedRoots roots = context.allowedRoots();
    List<Path> resolved = new ArrayList<>();
    for (String path : paths) {
      try {
        resolved.add(roots.resolve(path));
      } catch (AllowedRoots.PathRefusedException e) {
        throw e.missing()
            ? ApiException.notFound("PATH_NOT_FOUND", e.getMessage())
            : new ApiException(403, "PATH_NOT_ALLOWED", e.getMessage());
      }
    }
    List<Path> discovered;
    try {
      discovered = context.reader().discover(resolved);
    } catch (NoSuchFileException e) {
      throw ApiException.notFound("PATH_NOT_FOUND", "'" + e.getFile() + "' does not exist");
    }
    Set<Path> files = new LinkedHashSet<>();
    for (Path file : discovered) {
      Path real = file.toRealPath();
      // A folder walk follows links; what they lead out of the roots to is not indexed.
      if (roots.isUnderRoot(real)) {
        files.add(real);
      }
    }
    if (files.isEmpty()) {
      throw ApiException.invalid("no documents (PDFs or images) found under " + paths);
    }
    if (files.size() > MAX_DOCUMENTS_PER_JOB) {
      throw ApiException.invalid(
          "the paths hold " + files.size() + " documents; one job takes at most "
              + MAX_DOCUMENTS_PER_JOB + " (split the request)");
    }
    return List.copyOf(files);
  }

  private List<Uploads.Received> fetch(List<String> urls) throws IOException, InterruptedException {
    if (urls.isEmpty()) {
      return List.of();
    }
    UrlFetcher fetcher = context.imageFetcher();
    if (fetcher == null) {
      throw new ApiException(
          400, "URL_FETCH_DISABLED", "fetching URLs is disabled on this server (imageUrls.enabled)");
    }
    int maxFiles = context.config().limits().maxFilesPerRequest();
    if (urls.size() > maxFiles) {
      throw ApiException.invalid("at most " + maxFiles + " urls per request, got " + urls.size());
    }
    List<Uploads.Received> received = new ArrayList<>();
    try {
      for (String url : urls) {
        received.add(Fetching.fetch(context, fetcher, url));
      }
      return received;
    } catch (IOException | RuntimeException | InterruptedException e) {
      for (Uploads.Received r : received) {
        Files.deleteIfExists(r.file());
      }
      throw e;
    }
  }
}
