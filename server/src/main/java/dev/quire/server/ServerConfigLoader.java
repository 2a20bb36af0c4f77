package dev.quire.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quire.generation.backend.BackendSpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link ServerConfig} from, in increasing precedence: the defaults, a YAML (or JSON)
 * file, {@code QUIRE_*} environment variables and command-line flags. Every setting has a dotted
 * name ({@code http.port}); its variable is {@code QUIRE_} plus the name in upper snake case
 * ({@code QUIRE_HTTP_PORT}). Two settings are lists: {@code QUIRE_API_KEYS} holds entries {@code
 * name:key:collections:access} separated by {@code ;} (collections comma-separated or {@code *},
 * access {@code read}, {@code write} or {@code admin}), {@code QUIRE_ALLOWED_ROOTS} folders
 * separated by the platform's path separator. Errors name the setting, where its value came from
 * and what is wrong.
 */
public final class ServerConfigLoader {

  /** The environment variable naming the configuration file. */
  public static final String CONFIG_FILE_VARIABLE = "QUIRE_CONFIG";

  /** Short keys are guessable. */
  static final int MIN_KEY_LENGTH = 16;

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("http.host", "127.0.0.1");
    DEFAULTS.put("http.port", "7860");
    DEFAULTS.put("http.shutdownTimeout", "30s");
    DEFAULTS.put("dataDirectory", "quire-data");
    DEFAULTS.put("model", "");
    DEFAULTS.put("textModel", "bge-small");
    DEFAULTS.put("rateLimit.requests", "600");
    DEFAULTS.put("rateLimit.window", "60s");
    DEFAULTS.put("limits.maxUploadBytes", "20MB");
    DEFAULTS.put("limits.maxFilesPerRequest", "20");
    DEFAULTS.put("limits.maxImagePixels", "100000000");
    DEFAULTS.put("limits.maxPagesPerDocument", "2000");
    DEFAULTS.put("limits.maxResults", "100");
    DEFAULTS.put("limits.maxQueryChars", "2000");
    DEFAULTS.put("imageUrls.enabled", "false");
    DEFAULTS.put("imageUrls.allowPrivateNetworks", "false");
    DEFAULTS.put("imageUrls.timeout", "10s");
    DEFAULTS.put("webhooks.secret", "");
    DEFAULTS.put("webhooks.attempts", "5");
    DEFAULTS.put("webhooks.initialBackoff", "1s");
    DEFAULTS.put("webhooks.timeout", "10s");
    DEFAULTS.put("webhooks.allowPrivateNetworks", "false");
    DEFAULTS.put("sample.enabled", "true");
    DEFAULTS.put("sample.collection", "default");
    DEFAULTS.put("sample.documents", "40");
    DEFAULTS.put("sample.seed", "42");
    // shorthand for one in-process backend named "local"
    DEFAULTS.put("generation.model", "");
    // the backend each document task uses when a request names none
    DEFAULTS.put("generation.tasks.classify", "");
    DEFAULTS.put("generation.tasks.extract", "");
    DEFAULTS.put("generation.tasks.ask", "");
    DEFAULTS.put("generation.tasks.labels", "");
    DEFAULTS.put("generation.quota.pagesPerDay", "0");
  }

  private static final String API_KEYS = "apiKeys";
  private static final String ALLOWED_ROOTS = "allowedRoots";
  private static final String BACKENDS = "generation.backends";
  private static final Set<String> LOCAL_FIELDS = Set.of("type", "model", "id", "device", "threads", "maxQueued");
  private static final Set<String> OPENAI_FIELDS = Set.of("type", "url", "model", "id", "api_key_env",
      "timeout", "maxAttempts", "maxConcurrent", "maxQueued");
  private static final Set<String> KEY_FIELDS =
      Set.of("name", "key", "sha256", "collections", "access", "admin");

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?i?b?)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private JsonNode apiKeys = JsonNodeFactory.instance.arrayNode();
  private String apiKeysSource = "defaults";
  private List<String> allowedRoots = List.of();
  private String allowedRootsSource = "defaults";
  private JsonNode backends = JsonNodeFactory.instance.objectNode();
  private String backendsSource = "defaults";

  private ServerConfigLoader() {
    DEFAULTS.forEach((name, value) -> set(name, value, "defaults"));
  }

  /**
   * @param file the configuration file, or null for none
   * @param environment usually {@code System.getenv()}; only {@code QUIRE_*} names are read
   * @param flags settings by dotted name, from the command line (allowedRoots joined by the path
   *     separator)
   */
  public static ServerConfig load(Path file, Map<String, String> environment, Map<String, String> flags)
      throws InvalidConfigException {
    ServerConfigLoader loader = new ServerConfigLoader();
    if (file != null) {
      loader.readFile(file);
    }
    loader.readEnvironment(environment);
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      loader.override(flag.getKey(), flag.getValue(), "flag");
    }
    return loader.build();
  }

  /** The environment variable of a setting: {@code limits.maxUploadBytes} is {@code QUIRE_LIMITS_MAX_UPLOAD_BYTES}. */
  public static String variableOf(String setting) {
    return "QUIRE_"
        + setting.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private void set(String name, String value, String source) {
    values.put(name, value);
    sources.put(name, source);
  }

  private void override(String name, String value, String source) throws InvalidConfigException {
    if (name.equals(ALLOWED_ROOTS)) {
      allowedRoots = splitRoots(value);
      allowedRootsSource = source;
    } else if (DEFAULTS.containsKey(name)) {
      set(name, value, source);
    } else {
      throw new InvalidConfigException("unknown setting '" + name + "' (" + source + ")");
    }
  }

  private void readFile(Path file) throws InvalidConfigException {
    String source = "config file " + file;
    JsonNode root;
    try {
      byte[] bytes = Files.readAllBytes(file);
      root = new ObjectMapper(new YAMLFactory()).readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(
          source + " is not valid YAML or JSON: " + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"),
          e);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read " + source + ": " + e, e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new InvalidConfigException(source + " must hold a mapping of settings at its top");
    }
    flatten("", root, source);
  }

  private void flatten(String prefix, JsonNode node, String source) throws InvalidConfigException {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (name.equals(BACKENDS)) {
        if (!value.isObject()) {
          throw new InvalidConfigException(source + ": generation.backends must map backend names"
              + " to their settings");
        }
        backends = value;
        backendsSource = source;
      } else if (name.equals(API_KEYS)) {
        if (!value.isArray()) {
          throw new InvalidConfigException(source + ": apiKeys must be a list");
        }
        apiKeys = value;
        apiKeysSource = source;
      } else if (name.equals(ALLOWED_ROOTS)) {
        if (!value.isArray()) {
          throw new InvalidConfigException(source + ": allowedRoots must be a list of folders");
        }
        List<String> roots = new ArrayList<>();
        for (JsonNode root : value) {
          roots.add(root.asText());
        }
        allowedRoots = roots;
        allowedRootsSource = source;
      } else if (name.equals("generation.tasks.labels") && value.isArray()) {
        List<String> labels = new ArrayList<>();
        value.forEach(label -> labels.add(label.asText()));
        set(name, String.join(",", labels), source);
      } else if (value.isObject()) {
        flatten(name, value, source);
      } else if (DEFAULTS.containsKey(name)) {
        if (value.isContainerNode()) {
          throw new InvalidConfigException(source + ": " + name + " must be a single value");
        }
        set(name, value.isNull() ? "" : value.asText(), source);
      } else {
        throw new InvalidConfigException(
            source + ": unknown setting '" + name + "'; known settings: "
                + String.join(", ", DEFAULTS.keySet()) + ", " + API_KEYS + ", " + ALLOWED_ROOTS
                + ", " + BACKENDS);
      }
    }
  }

  private void readEnvironment(Map<String, String> environment) throws InvalidConfigException {
    for (String name : DEFAULTS.keySet()) {
      String value = environment.get(variableOf(name));
      if (value != null) {
        set(name, value, "environment variable " + variableOf(name));
      }
    }
    String roots = environment.get(variableOf(ALLOWED_ROOTS));
    if (roots != null) {
      allowedRoots = splitRoots(roots);
      allowedRootsSource = "environment variable " + variableOf(ALLOWED_ROOTS);
    }
    String keys = environment.get(variableOf(API_KEYS));
    if (keys != null) {
      apiKeysSource = "environment variable " + variableOf(API_KEYS);
      apiKeys = parseKeyList(keys, apiKeysSource);
    }
  }

  private static List<String> splitRoots(String value) {
    List<String> roots = new ArrayList<>();
    for (String part : value.split(Pattern.quote(File.pathSeparator))) {
      if (!part.isBlank()) {
        roots.add(part.trim());
      }
    }
    return roots;
  }

  /** {@code name:key:collections:access;...} into the same shape as the file's list. */
  private static ArrayNode parseKeyList(String value, String source) throws InvalidConfigException {
    ArrayNode keys = JsonNodeFactory.instance.arrayNode();
    for (String entry : value.split("[;\\n]")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.trim().split(":", -1);
      if (parts.length != 4) {
        throw new InvalidConfigException(
            source + ": entry '" + redact(entry) + "' must be name:key:collections:access");
      }
      ObjectNode key = keys.addObject();
      key.put("name", parts[0]);
      key.put("key", parts[1]);
      key.put("collections", parts[2]);
      key.put("access", parts[3]);
    }
    return keys;
  }

  /** Quotes a key-list entry without its secret. */
  private static String redact(String entry) {
    String[] parts = entry.trim().split(":", -1);
    if (parts.length >= 2) {
      parts[1] = "***";
    }
    return String.join(":", parts);
  }

  private ServerConfig build() throws InvalidConfigException {
    try {
      ServerConfig.Http http =
          new ServerConfig.Http(
              string("http.host"), (int) integer("http.port", 0, 65535), duration("http.shutdownTimeout"));
      String model = string("model");
      return new ServerConfig(
          http,
          Path.of(nonBlank("dataDirectory")),
          model.isBlank() ? null : Path.of(model),
          keys(),
          new ServerConfig.RateLimit(
              (int) integer("rateLimit.requests", 1, Integer.MAX_VALUE), duration("rateLimit.window")),
          new ServerConfig.Limits(
              bytes("limits.maxUploadBytes"),
              (int) integer("limits.maxFilesPerRequest", 1, 10_000),
              integer("limits.maxImagePixels", 1, Long.MAX_VALUE),
              (int) integer("limits.maxPagesPerDocument", 1, 1_000_000),
              (int) integer("limits.maxResults", 1, 10_000),
              (int) integer("limits.maxQueryChars", 1, 1_000_000)),
          roots(),
          new ServerConfig.UrlFetch(
              bool("imageUrls.enabled"),
              bool("imageUrls.allowPrivateNetworks"),
              duration("imageUrls.timeout")),
          new ServerConfig.Webhooks(
              string("webhooks.secret").isBlank() ? null : string("webhooks.secret"),
              (int) integer("webhooks.attempts", 1, 20),
              duration("webhooks.initialBackoff"),
              duration("webhooks.timeout"),
              bool("webhooks.allowPrivateNetworks")),
          new ServerConfig.Sample(
              bool("sample.enabled"),
              string("sample.collection"),
              (int) integer("sample.documents", 1, 10_000),
              integer("sample.seed", Long.MIN_VALUE, Long.MAX_VALUE)),
          backends(),
          taskBackends(),
          new ServerConfig.Tasks(labels(), integer("generation.quota.pagesPerDay", 0, Long.MAX_VALUE)),
          string("textModel"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage() + sourceHint(e.getMessage()), e);
    }
  }

  /** Names where the offending setting came from, when the message names one. */
  private String sourceHint(String message) {
    for (Map.Entry<String, String> source : sources.entrySet()) {
      if (message != null && message.startsWith(source.getKey() + " ")) {
        return " (from " + source.getValue() + ")";
      }
    }
    if (message != null && message.startsWith(API_KEYS)) {
      return " (from " + apiKeysSource + ")";
    }
    return "";
  }

  private List<Path> roots() throws InvalidConfigException {
    List<Path> roots = new ArrayList<>();
    for (String root : allowedRoots) {
      Path path = Path.of(root).toAbsolutePath().normalize();
      if (!Files.isDirectory(path)) {
        throw new InvalidConfigException(
            "allowedRoots: '" + root + "' is not an existing folder (from " + allowedRootsSource
                + ")");
      }
      try {
        roots.add(path.toRealPath());
      } catch (IOException e) {
        throw new InvalidConfigException("allowedRoots: cannot resolve '" + root + "': " + e, e);
      }
    }
    return roots;
  }

  /** generation.tasks.labels: a comma-separated list (a YAML list is joined the same way). */
  private List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (String label : string("generation.tasks.labels").split(",")) {
      if (!label.isBlank()) {
        labels.add(label.strip());
      }
    }
    return labels;
  }

  private Map<String, String> taskBackends() {
    Map<String, String> tasks = new LinkedHashMap<>();
    for (String task : List.of("classify", "extract", "ask")) {
      String backend = string("generation.tasks." + task);
      if (!backend.isBlank()) {
        tasks.put(task, backend);
      }
    }
    return tasks;
  }

  /** generation.backends, and the generation.model shorthand as a backend named "local". */
  private List<BackendSpec> backends() throws InvalidConfigException {
    List<BackendSpec> specs = new ArrayList<>();
    String shorthand = string("generation.model");
    if (!shorthand.isBlank()) {
      specs.add(new BackendSpec.Local("local", Path.of(shorthand), null, null, 0, 8));
    }
    for (Map.Entry<String, JsonNode> entry : backends.properties()) {
      String where = backendsSource + ": generation.backends." + entry.getKey();
      JsonNode b = entry.getValue();
      if (!b.isObject()) {
        throw new InvalidConfigException(where + " must be a mapping (type, model, ...)");
      }
      String type = b.path("type").asText("");
      Set<String> fields = switch (type) {
        case "local" -> LOCAL_FIELDS;
        case "openai" -> OPENAI_FIELDS;
        default -> throw new InvalidConfigException(where + ".type is '" + type
            + "'; known types: local, openai");
      };
      for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!fields.contains(field)) {
          throw new InvalidConfigException(where + ": unknown field '" + field + "'; a " + type
              + " backend has " + String.join(", ", new java.util.TreeSet<>(fields)));
        }
      }
      if (!b.path("model").isTextual() || b.path("model").asText().isBlank()) {
        throw new InvalidConfigException(where + ".model must name the "
            + (type.equals("local") ? "checkpoint folder" : "server's model"));
      }
      try {
        if (type.equals("local")) {
          specs.add(new BackendSpec.Local(entry.getKey(), Path.of(b.path("model").asText()),
              b.path("id").asText(null),
              dev.quire.model.ComputeDevice.valueOf(b.path("device").asText("auto").toUpperCase(Locale.ROOT)),
              b.path("threads").asInt(0), b.path("maxQueued").asInt(8)));
        } else {
          if (!b.path("url").isTextual()) {
            throw new InvalidConfigException(where + ".url must be the API's base, e.g. http://host:8000/v1");
          }
          Duration timeout = b.has("timeout") ? parseDuration(b.path("timeout").asText(), where + ".timeout")
              : Duration.ofSeconds(60);
          specs.add(new BackendSpec.OpenAi(entry.getKey(), java.net.URI.create(b.path("url").asText()),
              b.path("model").asText(), b.path("id").asText(null), b.path("api_key_env").asText(null),
              timeout, b.path("maxAttempts").asInt(4), b.path("maxConcurrent").asInt(4),
              b.path("maxQueued").asInt(16)));
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(where + ": " + e.getMessage(), e);
      }
    }
    return specs;
  }

  private List<ServerConfig.ApiKeySpec> keys() throws InvalidConfigException {
    List<ServerConfig.ApiKeySpec> keys = new ArrayList<>();
    int index = 0;
    for (JsonNode key : apiKeys) {
      String where = "apiKeys[" + index++ + "] (from " + apiKeysSource + ")";
      if (!key.isObject()) {
        throw new InvalidConfigException(where + " must be a mapping with name, key, collections");
      }
      Iterator<String> names = key.fieldNames();
      while (names.hasNext()) {
        String field = names.next();
        if (!KEY_FIELDS.contains(field)) {
          throw new InvalidConfigException(
              where + ": unknown field '" + field + "'; known: " + String.join(", ", KEY_FIELDS));
        }
      }
      String name = key.path("name").asText("");
      String secret = key.path("key").asText("");
      String hash = key.path("sha256").asText("").toLowerCase(Locale.ROOT);
      if (secret.isEmpty() == hash.isEmpty()) {
        throw new InvalidConfigException(where + ": give exactly one of key and sha256");
      }
      if (!secret.isEmpty() && secret.length() < MIN_KEY_LENGTH) {
        throw new InvalidConfigException(
            where + ": key '" + name + "' is shorter than " + MIN_KEY_LENGTH + " characters");
      }
      String access = key.path("access").asText("read").toLowerCase(Locale.ROOT);
      boolean admin = key.path("admin").asBoolean(false) || access.equals("admin");
      if (!Set.of("read", "write", "admin").contains(access)) {
        throw new InvalidConfigException(
            where + ": access must be read, write or admin, got '" + access + "'");
      }
      Set<String> collections = new LinkedHashSet<>();
      JsonNode listed = key.path("collections");
      if (listed.isArray()) {
        listed.forEach(c -> collections.add(c.asText()));
      } else if (!listed.isMissingNode()) {
        for (String c : listed.asText().split(",")) {
          if (!c.isBlank()) {
            collections.add(c.trim());
          }
        }
      }
      try {
        keys.add(
            new ServerConfig.ApiKeySpec(
                name,
                hash.isEmpty() ? sha256Hex(secret) : hash,
                collections,
                admin || access.equals("write"),
                admin));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(e.getMessage() + " (from " + apiKeysSource + ")", e);
      }
    }
    return keys;
  }

  /** The SHA-256 of a key, as configuration files may hold it. */
  public static String sha256Hex(String key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  private String string(String name) {
    return values.get(name).trim();
  }

  private String nonBlank(String name) {
    String value = string(name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  private long integer(String name, long min, long max) {
    String value = string(name).replace("_", "");
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be in " + min + ".." + max + ", got " + parsed);
    }
    return parsed;
  }

  private boolean bool(String name) {
    String value = string(name).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    };
  }

  /** "20MB", "1.5 GiB", "512kb" or a number of bytes; units are powers of 1024. */
  private long bytes(String name) {
    String value = string(name);
    Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          name + " must be a size such as 20MB or 1048576, got '" + value + "'");
    }
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          case 't' -> 40;
          default -> 0;
        };
    return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
  }

  /** "30s", "5m", "250ms", "1h" or a number of seconds. */
  private Duration duration(String name) {
    return parseDuration(string(name), name);
  }

  private static Duration parseDuration(String value, String name) {
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 30s, 5m or 250ms, got '" + value + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
    double millis =
        switch (unit) {
          case "ms" -> amount;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> amount * 1000;
        };
    return Duration.ofMillis(Math.round(millis));
  }
}
