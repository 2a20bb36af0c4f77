package dev.quire.server.api;

import dev.quire.server.ServerConfig;
import dev.quire.server.collections.Collection;
import dev.quire.server.security.Principal;
import dev.quire.server.security.RateLimiter;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * Runs before every matched route: who is calling ({@code X-API-Key}, or a signed link where the
 * route allows one), whether they are within their rate limit, and then, in the handlers, which
 * collections they may read or change. Routes are closed unless marked {@link Role#OPEN}; the web
 * UI's static files are open.
 */
final class AccessControl {

  static final String KEY_HEADER = "X-API-Key";
  private static final String PRINCIPAL = "quire.principal";

  private final ServerContext context;

  AccessControl(ServerContext context) {
    this.context = context;
  }

  void check(Context ctx) {
    boolean route = ctx.endpoints().matchedHttpEndpoint() != null;
    Set<?> roles = ctx.routeRoles();
    if (!route || roles.contains(Role.OPEN)) {
      return;
    }
    refuseForeignPages(ctx);
    Principal principal = authenticate(ctx, roles.contains(Role.SIGNED));
    if (roles.contains(Role.ADMIN) && !principal.admin()) {
      throw ApiException.forbidden("key '" + principal.name() + "' is not an admin key");
    }
    String caller = context.keys().isEmpty() ? "ip:" + ctx.ip() : "key:" + principal.name();
    RateLimiter.Decision decision = context.rateLimiter().tryAcquire(caller);
    ctx.header("X-RateLimit-Limit", Integer.toString(decision.limit()));
    ctx.header("X-RateLimit-Remaining", Long.toString(decision.remaining()));
    if (!decision.allowed()) {
      ctx.header("Retry-After", Long.toString(decision.retryAfterSeconds()));
      throw new ApiException(
          429, "RATE_LIMITED",
          "rate limit of " + decision.limit() + " requests per "
              + context.config().rateLimit().window().toSeconds() + " s reached; retry in "
              + decision.retryAfterSeconds() + " s");
    }
    ctx.attribute(PRINCIPAL, principal);
  }

  /**
   * A web page from another site must not drive the API through a visitor's browser: a form can
   * post an upload across sites without asking (CSRF), and a hostile domain can resolve to
   * 127.0.0.1 (DNS rebinding). So writes carrying a foreign {@code Origin} are refused, and
   * without keys, where loopback is the only protection, so is any {@code Host} that is not a
   * loopback name.
   */
  private void refuseForeignPages(Context ctx) {
    String host = ctx.header("Host");
    if (context.keys().isEmpty() && host != null && !isLoopbackHost(host)) {
      throw ApiException.forbidden("host '" + abbreviate(host) + "' is not this server's loopback address");
    }
    String origin = ctx.header("Origin");
    String method = ctx.method().name();
    if (origin != null && !method.equals("GET") && !method.equals("HEAD")) {
      String originHost;
      try {
        originHost = URI.create(origin).getRawAuthority();
      } catch (IllegalArgumentException e) {
        originHost = null;
      }
      if (originHost == null || !originHost.equalsIgnoreCase(host)) {
        throw ApiException.forbidden("cross-origin request from '" + abbreviate(origin) + "' refused");
      }
    }
  }

  private static boolean isLoopbackHost(String host) {
    String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d+$", "");
    return name.equalsIgnoreCase("localhost") || name.equals("[::1]") || name.matches("127\\.\\d+\\.\\d+\\.\\d+");
  }

  private Principal authenticate(Context ctx, boolean signedAllowed) {
    if (context.keys().isEmpty()) {
      return Principal.LOCAL;
    }
    String key = ctx.header(KEY_HEADER);
    String authorization = ctx.header("Authorization");
    if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      // what OpenAI's clients send
      key = authorization.substring(7).trim();
    }
    if (key == null && signedAllowed && ctx.queryParam("sig") != null) {
      String keyName = ctx.queryParam("key");
      if (context
          .signedUrls()
          .verify(signedResource(ctx), keyName, ctx.queryParam("expires"), ctx.queryParam("sig"))) {
        return context
            .keys()
            .byName(keyName)
            .orElseThrow(() -> new ApiException(401, "UNAUTHORIZED", "the link's key no longer exists"));
      }
      throw new ApiException(401, "UNAUTHORIZED", "the link's signature is invalid or expired");
    }
    if (key == null || key.isBlank()) {
      throw new ApiException(401, "UNAUTHORIZED", "missing " + KEY_HEADER + " header (or Authorization: Bearer)");
    }
    return context
        .keys()
        .authenticate(key)
        .orElseThrow(() -> new ApiException(401, "UNAUTHORIZED", "invalid API key"));
  }

  /** What a page-image link signs: the path, the collection and the size. */
  static String signedResource(Context ctx) {
    return signedResource(ctx.path(), ctx.queryParam("collection"), ctx.queryParam("size"));
  }

  /** What a link signs; {@code size} is null for links without one (an original file). */
  static String signedResource(String path, String collection, String size) {
    return path + "\n" + collection + "\n" + size;
  }

  /** Who called, once access control let the request through; null before (or for open routes). */
  static Principal caller(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) {
      throw new IllegalStateException("route " + ctx.path() + " ran without access control");
    }
    return principal;
  }

  /** The collection named by the request (default {@code default}), which the caller may read. */
  Collection readable(Context ctx, String name) {
    String collection = collectionName(name);
    Principal principal = principal(ctx);
    if (!principal.canRead(collection)) {
      throw ApiException.forbidden(
          "key '" + principal.name() + "' may not use collection '" + collection + "'");
    }
    return context
        .collections()
        .get(collection)
        .orElseThrow(
            () -> ApiException.notFound("COLLECTION_NOT_FOUND", "no collection '" + collection + "'"));
  }

  /**
   * The collection, which the caller may change. A missing one is created only when the caller
   * asks ({@code create}): a typo in a name would otherwise grow a new, empty collection. The
   * {@code default} collection, the one a request without a name goes to, is always created.
   */
  Collection writable(Context ctx, String name, boolean create) throws IOException {
    String collection = collectionName(name);
    Principal principal = principal(ctx);
    if (!principal.canWrite(collection)) {
      throw ApiException.forbidden(
          "key '" + principal.name() + "' may not change collection '" + collection + "'");
    }
    if (!create && !collection.equals(DEFAULT_COLLECTION)) {
      return context.collections().get(collection).orElseThrow(() -> ApiException.notFound(
          "COLLECTION_NOT_FOUND",
          "no collection '" + collection + "'; create it with POST /v1/collections, or send"
              + " create=true with the documents"));
    }
    return context.collections().getOrCreate(collection);
  }

  static final String DEFAULT_COLLECTION = "default";

  static String collectionName(String name) {
    String collection = name == null || name.isBlank() ? DEFAULT_COLLECTION : name;
    if (!ServerConfig.COLLECTION_NAME.matcher(collection).matches()) {
      throw ApiException.invalid(
          "'" + abbreviate(collection) + "' is not a valid collection name ("
              + ServerConfig.COLLECTION_NAME.pattern() + ")");
    }
    return collection;
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
