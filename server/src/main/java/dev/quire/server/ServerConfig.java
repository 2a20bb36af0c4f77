package dev.quire.server;

import dev.quire.generation.backend.BackendSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@code quire serve} needs, validated: one record per component. Built by {@link
 * ServerConfigLoader} from a file, {@code QUIRE_*} environment variables and flags.
 *
 * @param dataDirectory collections (one index each), job records, uploads in flight, the audit log
 * @param model the ColQwen3VL checkpoint to embed with, or null for BM25 only
 * @param apiKeys who may call the API; empty means no keys, allowed only on a loopback address,
 *     where every local caller may read and write everything
 * @param allowedRoots server-side folders that index requests may name; empty disables them
 * @param generationBackends the chat models of {@code /v1/chat/completions}; empty disables it
 * @param taskBackends the backend each document task uses when a request names none (task name
 *     to backend name; a task not named here uses the only backend, if there is one)
 */
public record ServerConfig(
    Http http,
    Path dataDirectory,
    Path model,
    List<ApiKeySpec> apiKeys,
    RateLimit rateLimit,
    Limits limits,
    List<Path> allowedRoots,
    UrlFetch imageUrls,
    Webhooks webhooks,
    Sample sample,
    List<BackendSpec> generationBackends,
    Map<String, String> taskBackends,
    Tasks tasks,
    String textModel) {

  /** Collection names: safe as folder names and in URLs. */
  public static final Pattern COLLECTION_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public ServerConfig {
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(imageUrls, "imageUrls");
    Objects.requireNonNull(webhooks, "webhooks");
    Objects.requireNonNull(sample, "sample");
    Objects.requireNonNull(tasks, "tasks");
    textModel = dev.quire.textembedding.TextModels.normalize(textModel);
    try {
      dev.quire.textembedding.TextModels.check(textModel);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("textModel: " + e.getMessage(), e);
    }
    apiKeys = List.copyOf(apiKeys);
    generationBackends = List.copyOf(generationBackends);
    taskBackends = Map.copyOf(taskBackends);
    Set<String> backendNames = new HashSet<>();
    for (BackendSpec backend : generationBackends) {
      if (!backendNames.add(backend.name())) {
        throw new IllegalArgumentException("generation.backends: two backends are named '"
            + backend.name() + "'");
      }
    }
    for (Map.Entry<String, String> task : taskBackends.entrySet()) {
      if (!backendNames.contains(task.getValue())) {
        throw new IllegalArgumentException("generation.tasks." + task.getKey() + " names backend '"
            + task.getValue() + "', which generation.backends does not define");
      }
    }
    allowedRoots = List.copyOf(allowedRoots);
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (ApiKeySpec key : apiKeys) {
      if (!names.add(key.name())) {
        throw new IllegalArgumentException("apiKeys: two keys are named '" + key.name() + "'");
      }
      if (!hashes.add(key.sha256())) {
        throw new IllegalArgumentException(
            "apiKeys: keys '" + key.name() + "' and another one have the same secret");
      }
    }
    if (apiKeys.isEmpty() && !http.loopback()) {
      throw new IllegalArgumentException(
          "no API keys are configured, so the server may only listen on a loopback address, not "
              + http.host() + "; configure apiKeys (or QUIRE_API_KEYS) to listen on "
              + http.host());
    }
    if (sample.enabled() && !COLLECTION_NAME.matcher(sample.collection()).matches()) {
      throw new IllegalArgumentException(
          "sample.collection: '" + sample.collection() + "' is not a valid collection name ("
              + COLLECTION_NAME.pattern() + ")");
    }
  }

  /** No keys: the server is local and open to its own machine. */
  public boolean openAccess() {
    return apiKeys.isEmpty();
  }

  /**
   * @param host address to bind; a loopback one unless API keys are configured
   * @param shutdownTimeout how long in-flight requests may take to finish at shutdown
   */
  public record Http(String host, int port, Duration shutdownTimeout) {
    public Http {
      Objects.requireNonNull(host, "http.host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("http.host must not be blank");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("http.port must be in 0..65535, got " + port);
      }
      requirePositive("http.shutdownTimeout", shutdownTimeout);
    }

    boolean loopback() {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("http.host: cannot resolve '" + host + "'", e);
      }
    }
  }

  /**
   * One API key. Only its SHA-256 is kept: the configuration may hold the hash instead of the key.
   *
   * @param collections the collections it may use; {@code *} is every collection
   * @param write whether it may index and delete, not only read
   * @param admin every collection, read-write, plus /metrics
   */
  public record ApiKeySpec(
      String name, String sha256, Set<String> collections, boolean write, boolean admin) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEX_256 = Pattern.compile("[0-9a-f]{64}");

    public ApiKeySpec {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "apiKeys: name '" + name + "' must match " + NAME.pattern());
      }
      if (sha256 == null || !HEX_256.matcher(sha256).matches()) {
        throw new IllegalArgumentException(
            "apiKeys." + name + ": sha256 must be 64 lowercase hex digits");
      }
      collections = Set.copyOf(collections);
      if (collections.isEmpty() && !admin) {
        throw new IllegalArgumentException(
            "apiKeys." + name + ": name at least one collection (or \"*\"), or make it admin");
      }
      for (String c : collections) {
        if (!c.equals("*") && !COLLECTION_NAME.matcher(c).matches()) {
          throw new IllegalArgumentException(
              "apiKeys." + name + ": '" + c + "' is not a valid collection name ("
                  + COLLECTION_NAME.pattern() + ")");
        }
      }
    }
  }

  /** Requests per key per window (per client address when there are no keys). */
  public record RateLimit(int requests, Duration window) {
    public RateLimit {
      if (requests < 1) {
        throw new IllegalArgumentException("rateLimit.requests must be positive, got " + requests);
      }
      requirePositive("rateLimit.window", window);
    }
  }

  /**
   * @param maxUploadBytes one uploaded file or fetched image
   * @param maxFilesPerRequest files in one multipart upload
   * @param maxImagePixels images declaring more pixels are refused from their header
   * @param maxPagesPerDocument longer documents are refused
   * @param maxResults the largest k a search may ask for
   * @param maxQueryChars the longest query
   */
  /**
   * The document tasks: the classify labels (empty: the built-in list) and how many pages a key
   * may have the model read per UTC day (0: no limit).
   */
  public record Tasks(List<String> classifyLabels, long pagesPerDayPerKey) {
    public Tasks {
      classifyLabels = List.copyOf(classifyLabels);
      if (!classifyLabels.isEmpty() && !classifyLabels.contains("other")) {
        throw new IllegalArgumentException("generation.tasks.labels must include 'other', got " + classifyLabels);
      }
      if (new HashSet<>(classifyLabels).size() != classifyLabels.size()) {
        throw new IllegalArgumentException("generation.tasks.labels names a label twice: " + classifyLabels);
      }
      if (pagesPerDayPerKey < 0) {
        throw new IllegalArgumentException("generation.quota.pagesPerDay must not be negative, got "
            + pagesPerDayPerKey);
      }
    }
  }

  public record Limits(
      long maxUploadBytes,
      int maxFilesPerRequest,
      long maxImagePixels,
      int maxPagesPerDocument,
      int maxResults,
      int maxQueryChars) {
    public Limits {
      if (maxUploadBytes < 1024) {
        throw new IllegalArgumentException(
            "limits.maxUploadBytes must be at least 1 KiB, got " + maxUploadBytes);
      }
      if (maxFilesPerRequest < 1) {
        throw new IllegalArgumentException(
            "limits.maxFilesPerRequest must be positive, got " + maxFilesPerRequest);
      }
      if (maxImagePixels < 1_310_720) {
        throw new IllegalArgumentException(
            "limits.maxImagePixels must be at least 1310720 (the page pixel budget), got "
                + maxImagePixels);
      }
      if (maxPagesPerDocument < 1) {
        throw new IllegalArgumentException(
            "limits.maxPagesPerDocument must be positive, got " + maxPagesPerDocument);
      }
      if (maxResults < 1 || maxResults > 10_000) {
        throw new IllegalArgumentException(
            "limits.maxResults must be in 1..10000, got " + maxResults);
      }
      if (maxQueryChars < 1) {
        throw new IllegalArgumentException(
            "limits.maxQueryChars must be positive, got " + maxQueryChars);
      }
    }

    /** A JSON body may carry one file in base64, plus room for the rest of the request. */
    public long maxJsonBytes() {
      return maxUploadBytes / 3 * 4 + 65_536;
    }
  }

  /**
   * Fetching from URLs the client names.
   *
   * @param allowPrivateNetworks also loopback, private, link-local and similar addresses: only
   *     for closed networks, since it lets callers reach internal services (SSRF)
   */
  public record UrlFetch(boolean enabled, boolean allowPrivateNetworks, Duration timeout) {
    public UrlFetch {
      requirePositive("timeout", timeout);
    }
  }

  /**
   * Job notifications: POSTs signed with HMAC-SHA256 of the secret, retried with backoff.
   *
   * @param secret null disables webhooks
   */
  public record Webhooks(
      String secret,
      int attempts,
      Duration initialBackoff,
      Duration timeout,
      boolean allowPrivateNetworks) {
    public Webhooks {
      if (secret != null && secret.length() < 16) {
        throw new IllegalArgumentException("webhooks.secret must be at least 16 characters");
      }
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("webhooks.attempts must be in 1..20, got " + attempts);
      }
      requirePositive("webhooks.initialBackoff", initialBackoff);
      requirePositive("webhooks.timeout", timeout);
    }

    public boolean enabled() {
      return secret != null;
    }
  }

  /** The sample corpus generated and indexed at first start, so a new server shows something. */
  public record Sample(boolean enabled, String collection, int documents, long seed) {
    public Sample {
      Objects.requireNonNull(collection, "sample.collection");
      if (documents < 1 || documents > 10_000) {
        throw new IllegalArgumentException(
            "sample.documents must be in 1..10000, got " + documents);
      }
    }
  }

  private static void requirePositive(String setting, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be a positive duration, got " + value);
    }
  }
}
