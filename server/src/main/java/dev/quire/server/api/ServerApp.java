package dev.quire.server.api;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.server.Json;
import dev.quire.server.ServerConfig;
import dev.quire.server.observability.AccessLog;
import dev.quire.server.security.Principal;
import io.javalin.Javalin;
import io.javalin.config.Key;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.router.ParsedEndpoint;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HTTP app (without starting it): routes, access control, JSON errors with stable codes
 * and never a stack trace, request ids, access logs, metrics per route, the web UI's files.
 */
public final class ServerApp {
  private static final Logger LOG = LoggerFactory.getLogger(ServerApp.class);

  static final Key<ObjectMapper> JSON_KEY = new Key<>("quire.json");
  static final String REQUEST_ID_HEADER = "X-Request-Id";
  private static final String REQUEST_ID = "quire.request-id";
  private static final String START = "quire.start-nanos";
  private static final String ERROR_CODE = "quire.error-code";
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The web UI loads only its own files; images may be blobs drawn on a canvas. */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self';"
          + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private ServerApp() {}

  public static Javalin create(ServerContext context) {
    ServerConfig.Limits limits = context.config().limits();
    AccessControl access = new AccessControl(context);
    HealthController health = new HealthController(context);
    SearchController search = new SearchController(context, access);
    IndexController index = new IndexController(context, access);
    JobController jobs = new JobController(context, access);
    DocumentController documents = new DocumentController(context, access);
    CollectionController collections = new CollectionController(context, access);
    EmbedController embed = new EmbedController(context);
    ChatController chat = new ChatController(context, access);
    DocumentTaskController tasks = new DocumentTaskController(context, access, chat);
    context.jobs().taskExecutor(tasks.executor());
    Javalin app = Javalin.create(
        config -> {
          config.startup.showJavalinBanner = false;
          config.startup.showOldJavalinVersionWarning = false;
          config.jsonMapper(new JavalinJackson(context.json(), false));
          config.appData(JSON_KEY, Json.forRequests(context.json()));
          config.http.maxRequestSize = limits.maxJsonBytes();
          config.http.prefer405over404 = true;
          config.jetty.multipartConfig.cacheDirectory(
              context.temporaryDirectory().resolve("multipart").toString());
          // The per-file limit is ours (Uploads.copy), so one file over it in a batch is reported
          // among the rejected files and the rest indexed; Jetty keeps the request's total bounded.
          long maxRequest = limits.maxUploadBytes() * limits.maxFilesPerRequest() + 1_048_576;
          config.jetty.multipartConfig.maxFileSize(maxRequest, SizeUnit.BYTES);
          config.jetty.multipartConfig.maxTotalRequestSize(maxRequest, SizeUnit.BYTES);
          config.jetty.multipartConfig.maxInMemoryFileSize(64, SizeUnit.KB);
          config.jetty.modifyServer(
              server -> {
                // In-flight requests finish at stop (up to the timeout); new ones are refused.
                server.insertHandler(new GracefulHandler());
                server.setErrorHandler(new JsonErrorHandler());
                server.setStopTimeout(context.config().http().shutdownTimeout().toMillis());
              });
          config.jetty.modifyServletContextHandler(
              handler ->
                  handler.addFilter(
                      new org.eclipse.jetty.ee10.servlet.FilterHolder(new EventStreamAccept()),
                      "/v1/jobs/*",
                      java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
          config.staticFiles.add(
              files -> {
                files.hostedPath = "/";
                files.directory = "/web";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache");
              });
          config.requestLogger.http((ctx, millis) -> finish(context, ctx));
          config.router.javaLangErrorHandler(ServerApp::fatal);

          config.routes.before(ServerApp::begin);
          config.routes.beforeMatched(access::check);
          config.routes.apiBuilder(
              () -> {
                get("/live", health::live, Role.OPEN);
                get("/ready", health::ready, Role.OPEN);
                get("/health", health::health, Role.OPEN);
                get("/openapi.json", health::openApi, Role.OPEN);
                get("/metrics", health::metrics, Role.ADMIN);

                post("/v1/search", search::search);
                post("/v1/index", index::submit);
                get("/v1/jobs", jobs::list);
                get("/v1/jobs/{id}", jobs::get);
                delete("/v1/jobs/{id}", jobs::cancel);
                get("/v1/jobs/{id}/events", jobs::events);
                get("/v1/jobs/{id}/results", jobs::results);
                get("/v1/collections", collections::list);
                post("/v1/collections", collections::create);
                get("/v1/documents", documents::list);
                get("/v1/documents/{id}", documents::get);
                delete("/v1/documents/{id}", documents::delete);
                get("/v1/documents/{id}/pages/{page}/image", documents::image, Role.SIGNED);
                get("/v1/documents/{id}/file", documents::file, Role.SIGNED);
                get("/v1/documents/{id}/pages/{page}/similarity", search::similarity);
                post("/v1/embed/text", embed::text);
                post("/v1/embed/image", embed::image);
                post("/v1/chat/completions", chat::complete);
                get("/v1/models", chat::models);
                post("/v1/classify", tasks::classify);
                post("/v1/extract", tasks::extract);
                post("/v1/ask", tasks::ask);
                post("/v1/classify/jobs", ctx -> tasks.submitJob(ctx, "classify"));
                post("/v1/extract/jobs", ctx -> tasks.submitJob(ctx, "extract"));
              });

          config.routes.exception(
              ApiException.class,
              (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage(), e.param()));
          // a stream that failed after its first event has already answered: only log it
          config.routes.exception(
              ChatController.StreamEnded.class,
              (e, ctx) -> LOG.warn("request {} stream ended early: {}", requestId(ctx), e.getMessage()));
          config.routes.exception(
              HttpResponseException.class, (e, ctx) -> httpError(e, ctx, limits.maxJsonBytes()));
          config.routes.exception(
              JsonProcessingException.class,
              (e, ctx) -> {
                ApiException invalid = Bodies.invalidJson(e);
                error(ctx, invalid.status(), invalid.code(), invalid.getMessage(), invalid.param());
              });
          // Anything else, IllegalArgumentException and IllegalStateException included (a corrupt
          // store, bad weights), is the server's fault: a 500 with the request id, the trace logged.
          // What the caller must change arrives as a RequestValidationException (an ApiException).
          config.routes.exception(Exception.class, (e, ctx) -> unexpected(e, ctx, limits));
        });
    health.openApi(OpenApiDocument.build(context.json(), routes(app)));
    return app;
  }

  /** The HTTP routes {@code app} registered, as "get /v1/jobs/{id}". */
  public static List<String> routes(Javalin app) {
    List<String> routes = new ArrayList<>();
    for (ParsedEndpoint parsed : app.unsafe.internalRouter.allHttpHandlers()) {
      if (parsed.endpoint.method.isHttpMethod()) {
        routes.add(parsed.endpoint.method.name().toLowerCase(Locale.ROOT) + " " + parsed.endpoint.path);
      }
    }
    return routes;
  }

  /** The request's id: the client's {@code X-Request-Id} when it is sane, else a new one. */
  static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id == null ? "unknown" : id;
  }

  private static void begin(Context ctx) {
    ctx.attribute(START, System.nanoTime());
    String given = ctx.header(REQUEST_ID_HEADER);
    String id =
        given != null && CLIENT_REQUEST_ID.matcher(given).matches()
            ? given
            : "req_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    ctx.attribute(REQUEST_ID, id);
    ctx.header(REQUEST_ID_HEADER, id);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    if (ctx.path().startsWith("/v1/")) {
      ctx.header("Cache-Control", "no-store");
    }
    // before any handler decodes a parameter (the JDK's decoder throws, or yields U+FFFD)
    QueryStrings.check(ctx.queryString());
  }

  private static void finish(ServerContext context, Context ctx) {
    Long start = ctx.attribute(START);
    long nanos = start == null ? 0 : System.nanoTime() - start;
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    String route =
        endpoint != null ? endpoint.path : ctx.statusCode() < 400 ? "static" : "unmatched";
    int status = ctx.statusCode();
    context.metrics().request(ctx.method().name(), route, status, nanos);
    Principal caller = AccessControl.caller(ctx);
    context
        .accessLog()
        .log(
            new AccessLog.Entry(
                context.clock().instant(),
                requestId(ctx),
                ctx.method().name(),
                abbreviatePath(ctx.path()),
                route,
                status,
                nanos / 1e6,
                caller == null ? null : caller.name(),
                ctx.ip(),
                ctx.userAgent(),
                ctx.attribute(ERROR_CODE)));
  }

  private static String abbreviatePath(String path) {
    return path.length() <= 300 ? path : path.substring(0, 300) + "…";
  }

  private static void httpError(HttpResponseException e, Context ctx, long maxJsonBytes) {
    int status = e.getStatus();
    String code =
        switch (status) {
          case 400 -> "INVALID_REQUEST";
          case 404 -> "NOT_FOUND";
          case 405 -> "METHOD_NOT_ALLOWED";
          case 408 -> "REQUEST_TIMEOUT";
          case 413 -> "PAYLOAD_TOO_LARGE";
          case 415 -> "UNSUPPORTED_MEDIA_TYPE";
          default -> status >= 500 ? "INTERNAL" : "HTTP_" + status;
        };
    if (status == 405) {
      // Javalin names the path's methods in the details (under a key that depends on Accept)
      String allowed = e.getDetails().values().stream().findFirst().orElse(null);
      if (allowed != null && !allowed.isBlank()) {
        ctx.header("Allow", allowed);
      }
    }
    String message =
        switch (status) {
          case 404 -> "no route for " + ctx.method().name() + " " + abbreviatePath(ctx.path());
          case 405 -> ctx.method().name() + " is not allowed on " + abbreviatePath(ctx.path())
              + (e.getDetails().isEmpty() ? "" : "; allowed: " + e.getDetails().values().iterator().next());
          case 413 ->
              "the request body is over the limit of " + maxJsonBytes + " bytes for JSON";
          default -> e.getMessage();
        };
    error(ctx, status, code, message);
  }

  private static void unexpected(Exception e, Context ctx, ServerConfig.Limits limits) {
    Integer status = clientFault(e);
    if (status != null) {
      // The multipart parser stopped somewhere in the body: this connection cannot carry more.
      ctx.header("Connection", "close");
      error(
          ctx, status,
          status == 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_REQUEST",
          status == 413
              ? "the upload is over the limit of " + limits.maxUploadBytes() + " bytes per file"
              : "malformed request: " + AccessControl.abbreviate(String.valueOf(rootMessage(e))));
      return;
    }
    LOG.error("request {} {} {} failed", requestId(ctx), ctx.method().name(), ctx.path(), e);
    error(
        ctx, 500, "INTERNAL",
        "internal error; the server log has the details under request id " + requestId(ctx));
  }

  /**
   * Malformed multipart bodies and oversized parts surface as Jetty or servlet exceptions. Only
   * those are read for a client's fault: an exception from Quire's own code is never blamed on the
   * request, whatever its message says.
   */
  private static Integer clientFault(Throwable e) {
    if (!fromJetty(e)) {
      return null;
    }
    Integer status = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("exceeded") || message.contains("exceeds") || message.contains("too large")
          || (t instanceof HttpException http && http.getCode() == 413)) {
        return 413;
      }
      if (t instanceof HttpException
          || t instanceof ServletException
          || message.contains("multipart")) {
        status = 400;
      }
    }
    return status;
  }

  /** Whether the exception (or one of its causes) is the servlet container's. */
  private static boolean fromJetty(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof HttpException || t instanceof ServletException) {
        return true;
      }
      StackTraceElement[] trace = t.getStackTrace();
      if (trace.length > 0
          && (trace[0].getClassName().startsWith("org.eclipse.jetty.")
              || trace[0].getClassName().startsWith("jakarta.servlet."))) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  static void error(Context ctx, int status, String code, String message) {
    error(ctx, status, code, message, null);
  }

  static void error(Context ctx, int status, String code, String message, String param) {
    ctx.attribute(ERROR_CODE, code);
    boolean closing = "close".equals(ctx.res().getHeader("Connection"));
    if (!closing && (ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null)) {
      drainOrClose(ctx);
    }
    if (openAiRoute(ctx.path())) {
      ctx.status(status).json(new Views.OpenAiError(new Views.OpenAiError.Body(message,
          openAiType(status), param, code.toLowerCase(Locale.ROOT))));
      return;
    }
    ctx.status(status)
        .json(new Views.Error(new Views.Error.Body(code, message, requestId(ctx), param)));
  }

  /** The OpenAI-compatible routes answer errors in OpenAI's shape, which its clients read. */
  static boolean openAiRoute(String path) {
    return path.startsWith("/v1/chat/") || path.equals("/v1/models");
  }

  private static String openAiType(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  /** Bodies up to this size are read to their end before an error answer, to keep the connection. */
  private static final int DRAIN_LIMIT = 1 << 20;

  /**
   * A refused request's body may be unread. A small rest is read and dropped, so the connection
   * stays usable; past {@value #DRAIN_LIMIT} bytes the connection is closed after the answer, and
   * the client told so, rather than reading what the server refused.
   */
  private static void drainOrClose(Context ctx) {
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] sink = new byte[16_384];
      long drained = 0;
      int n;
      while (drained <= DRAIN_LIMIT && (n = in.read(sink)) >= 0) {
        drained += n;
      }
      if (drained > DRAIN_LIMIT) {
        ctx.header("Connection", "close");
      }
    } catch (IOException | IllegalStateException e) {
      ctx.header("Connection", "close");
    }
  }

  /** An Error (out of memory, say) while serving: still JSON, still no trace to the client. */
  private static void fatal(HttpServletResponse res, Error error) {
    LOG.error("fatal error while serving a request", error);
    try {
      res.setStatus(500);
      res.setContentType("application/json");
      res.getOutputStream()
          .write(
              "{\"error\":{\"code\":\"INTERNAL\",\"message\":\"internal error\",\"request_id\":null}}"
                  .getBytes(StandardCharsets.UTF_8));
    } catch (IOException | IllegalStateException e) {
      LOG.debug("cannot write the error response", e);
    }
  }
}
