package dev.quire.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.LoadedDocument;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.FinishReason;
import dev.quire.generation.PromptRefusedException;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatLogprob;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.GeneratorBusyException;
import dev.quire.generation.backend.RemoteBackendException;
import dev.quire.generation.backend.ResponseFormat;
import dev.quire.generation.guided.JsonSchemaCompiler;
import dev.quire.generation.guided.UnsupportedSchemaException;
import dev.quire.generation.chat.ChatTemplateException;
import dev.quire.server.collections.Collection;
import dev.quire.server.security.Principal;
import dev.quire.server.security.UrlFetcher;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The OpenAI chat API on Quire's generation backends: {@code POST /v1/chat/completions} (whole
 * answers or server-sent chunks ending in {@code [DONE]}) and {@code GET /v1/models}. Requests
 * are read as OpenAI defines them (text and {@code image_url} parts, data URLs or pages Quire
 * holds as {@code quire://documents/{id}/pages/{n}}), errors answered in OpenAI's shape.
 */
final class ChatController {

  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
  private static final Pattern PAGE_REFERENCE =
      Pattern.compile("quire://documents/([^/?#]+)/pages/(\\d+)");

  private final ServerContext context;
  private final AccessControl access;
  private final ObjectMapper json;

  ChatController(ServerContext context, AccessControl access) {
    this.context = context;
    this.access = access;
    this.json = context.json();
  }

  /** {@code GET /v1/models}: the model ids the configured backends serve. */
  void models(Context ctx) {
    ObjectNode body = json.createObjectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (Generator generator : context.generators().all()) {
      ObjectNode model = data.addObject();
      model.put("id", generator.model());
      model.put("object", "model");
      model.put("created", 0);
      model.put("owned_by", "quire:" + generator.name());
    }
    ctx.json(body);
  }

  void complete(Context ctx) throws IOException {
    JsonNode body = Bodies.json(ctx, JsonNode.class);
    if (body == null || !body.isObject()) {
      throw invalid("the body must be a JSON object", null);
    }
    // unknown fields are OpenAI's clients' business; known ones of the wrong type are refused
    Integer n = integer(body, "n");
    if (n != null && n != 1) {
      throw invalid("n must be 1: one answer per request", "n");
    }
    Bodies.expect(body, "seed", JsonNode::isIntegralNumber, "an integer");
    Bodies.expect(body, "tools", JsonNode::isArray, "an array");
    Bodies.expect(body, "chat_template_kwargs", JsonNode::isObject, "an object");
    Bodies.expect(body, "response_format", JsonNode::isObject, "an object");
    Bodies.expect(body, "stream_options", JsonNode::isObject, "an object");
    ResponseFormat responseFormat = responseFormat(body.path("response_format"));
    Generator generator = generator(Bodies.text(body, "model"));
    List<BufferedImage> images = new ArrayList<>();
    List<Map<String, Object>> messages = messages(ctx, body.path("messages"), images);
    Map<String, Object> templateOptions = new LinkedHashMap<>();
    if (body.path("tools").isArray() && !body.get("tools").isEmpty()) {
      templateOptions.put("tools", json.convertValue(body.get("tools"), List.class));
    }
    JsonNode extra = body.path("chat_template_kwargs");
    if (extra.isObject()) {
      templateOptions.putAll(json.convertValue(extra, Map.class));
    }
    ChatRequest request = new ChatRequest(messages, images, settings(body), templateOptions,
        responseFormat);
    boolean stream = Bodies.bool(body, "stream", false);
    boolean includeUsage = body.has("stream_options") && !body.get("stream_options").isNull()
        && Bodies.bool(body.get("stream_options"), "include_usage", false);
    boolean logprobs = Bodies.bool(body, "logprobs", false);
    String id = "chatcmpl-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    long created = context.clock().instant().getEpochSecond();
    ChatCompletion completion;
    try {
      if (stream) {
        completion = stream(ctx, generator, request, id, created, logprobs, includeUsage);
      } else {
        completion = generator.complete(request);
        ctx.json(response(id, created, generator.model(), completion, logprobs));
      }
    } catch (GeneratorBusyException e) {
      ctx.header("Retry-After", "1");
      throw new ApiException(429, "BACKEND_BUSY", e.getMessage());
    } catch (ChatTemplateException e) {
      throw invalid("the model's chat template refused the messages: " + e.getMessage(), "messages");
    } catch (PromptRefusedException e) {
      throw invalid(e.getMessage(), "messages");
    } catch (RemoteBackendException e) {
      throw new ApiException(502, "BACKEND_FAILED", e.getMessage());
    } catch (UnsupportedSchemaException e) {
      throw invalid(e.getMessage(), "response_format");
    }
    Principal caller = AccessControl.principal(ctx);
    context.audit().record(ServerApp.requestId(ctx), caller.name(), "chat.completion", null,
        Map.of("model", generator.model(), "backend", generator.name(),
            "prompt_tokens", completion.usage().promptTokens(),
            "completion_tokens", completion.usage().completionTokens(),
            "finish_reason", completion.finishReason().apiName(), "stream", stream));
  }

  /** OpenAI's response_format: text, json_object, or json_schema with its schema. */
  private static ResponseFormat responseFormat(JsonNode format) {
    if (format.isMissingNode() || format.isNull()) {
      return ResponseFormat.TEXT;
    }
    return switch (format.path("type").asText("")) {
      case "text" -> ResponseFormat.TEXT;
      case "json_object" -> ResponseFormat.JSON_OBJECT;
      case "json_schema" -> {
        JsonNode schema = format.path("json_schema").path("schema");
        if (!schema.isObject()) {
          throw invalid("response_format.json_schema.schema must be a JSON Schema object",
              "response_format");
        }
        try {
          JsonSchemaCompiler.compile(schema); // refuse what cannot be followed before any work
        } catch (UnsupportedSchemaException e) {
          throw invalid(e.getMessage(), "response_format");
        }
        yield ResponseFormat.jsonSchema(schema);
      }
      default -> throw invalid("response_format.type must be text, json_object or json_schema",
          "response_format");
    };
  }

  private Generator generator(String model) {
    if (context.generators().isEmpty()) {
      throw new ApiException(400, "NO_GENERATION_BACKEND", "no generation backend is configured on"
          + " this server (generation.backends, or quire serve --generation-model DIR)");
    }
    try {
      return context.generators().forModel(model);
    } catch (IllegalArgumentException e) {
      throw new ApiException(model == null ? 400 : 404, "MODEL_NOT_FOUND", e.getMessage());
    }
  }

  /** The messages as the chat template reads them; image parts' images go to {@code images}. */
  private List<Map<String, Object>> messages(Context ctx, JsonNode node, List<BufferedImage> images)
      throws IOException {
    if (!node.isArray() || node.isEmpty()) {
      throw invalid("messages must be a non-empty array", "messages");
    }
    int maxImages = context.config().limits().maxFilesPerRequest();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode message = node.get(i);
      String where = "messages[" + i + "]";
      if (!message.isObject()) {
        throw invalid(where + " must be an object", where);
      }
      String role = message.path("role").asText("");
      if (!ROLES.contains(role)) {
        throw invalid(where + ".role '" + AccessControl.abbreviate(role) + "' is not one of "
            + String.join(", ", new java.util.TreeSet<>(ROLES)), where + ".role");
      }
      Map<String, Object> converted = new LinkedHashMap<>();
      converted.put("role", role.equals("developer") ? "system" : role);
      JsonNode content = message.path("content");
      if (content.isTextual()) {
        converted.put("content", content.asText());
      } else if (content.isArray()) {
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int p = 0; p < content.size(); p++) {
          JsonNode part = content.get(p);
          String at = where + ".content[" + p + "]";
          String type = part.path("type").asText("");
          switch (type) {
            case "text" -> {
              if (!part.path("text").isTextual()) {
                throw invalid(at + ".text must be a string", at + ".text");
              }
              parts.add(Map.of("type", "text", "text", part.get("text").asText()));
            }
            case "image_url" -> {
              JsonNode url = part.path("image_url");
              String address = url.isTextual() ? url.asText() : url.path("url").asText(null);
              if (address == null || address.isBlank()) {
                throw invalid(at + ".image_url.url is missing", at + ".image_url");
              }
              if (images.size() == maxImages) {
                throw invalid("at most " + maxImages + " images per request", at);
              }
              images.add(image(ctx, address, at));
              parts.add(Map.of("type", "image"));
            }
            default -> throw invalid(at + ".type '" + AccessControl.abbreviate(type)
                + "' is not text or image_url", at + ".type");
          }
        }
        converted.put("content", parts);
      } else if (content.isNull() || content.isMissingNode()) {
        if (!role.equals("assistant")) {
          throw invalid(where + ".content is missing", where + ".content");
        }
      } else {
        throw invalid(where + ".content must be a string or an array of parts", where + ".content");
      }
      for (String field : List.of("name", "tool_call_id", "reasoning_content")) {
        if (message.path(field).isTextual()) {
          converted.put(field, message.get(field).asText());
        }
      }
      if (message.path("tool_calls").isArray()) {
        converted.put("tool_calls", json.convertValue(message.get("tool_calls"), List.class));
      }
      out.add(converted);
    }
    return out;
  }

  /** An image part's picture: a data URL, a page this server holds, or (when enabled) a URL. */
  BufferedImage image(Context ctx, String address, String where) throws IOException {
    Matcher page = PAGE_REFERENCE.matcher(address);
    if (address.startsWith("quire://")) {
      if (!page.lookingAt()) {
        throw invalid(where + ": a page reference is quire://documents/{id}/pages/{n}"
            + "[?collection=NAME]", where);
      }
      String collectionName = null;
      String query;
      int number;
      try {
        query = URI.create(address).getRawQuery();
        number = Integer.parseInt(page.group(2));
      } catch (IllegalArgumentException e) { // a malformed URI, a page number past int
        throw invalid(where + ": '" + AccessControl.abbreviate(address) + "' is not a valid page"
            + " reference (quire://documents/{id}/pages/{n}[?collection=NAME])", where);
      }
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.startsWith("collection=")) {
            collectionName = pair.substring("collection=".length());
          }
        }
      }
      Collection collection = access.readable(ctx, collectionName);
      Optional<Path> file = collection.quire().pageImage(page.group(1), number, false);
      if (file.isEmpty()) {
        throw ApiException.notFound("PAGE_NOT_FOUND", "no page " + number + " of document '"
            + AccessControl.abbreviate(page.group(1)) + "' in " + collection.name());
      }
      BufferedImage image = ImageIO.read(file.get().toFile());
      if (image == null) {
        throw new IOException("the stored image of " + address + " cannot be read");
      }
      return image;
    }
    long max = context.config().limits().maxUploadBytes();
    Uploads.Received received;
    if (address.startsWith("data:")) {
      try {
        received = Uploads.receive(new ByteArrayInputStream(dataUrl(address, max, where)), "image",
            max, context.temporaryDirectory(), context.reader());
      } catch (ApiException e) {
        // bytes that are no known file type are a bad request here, as OpenAI answers them
        throw e.status() == 415 ? invalid(where + ": " + e.getMessage(), where) : e;
      }
    } else if (address.startsWith("http://") || address.startsWith("https://")) {
      UrlFetcher fetcher = context.imageFetcher();
      if (fetcher == null) {
        throw invalid(where + ": fetching image URLs is disabled on this server"
            + " (imageUrls.enabled); send a data URL", where);
      }
      try {
        received = Fetching.fetch(context, fetcher, address);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching " + where, e);
      }
    } else {
      throw invalid(where + ": an image is a data: URL, an http(s) URL or quire://documents/...",
          where);
    }
    try (LoadedDocument document = context.reader().open(received.file())) {
      if (!received.source().mediaType().startsWith("image/")) {
        throw invalid(where + " is " + received.source().mediaType() + ", not an image", where);
      }
      return document.page(1).image();
    } catch (DocumentRejectedException e) {
      throw Uploads.rejected(e, where);
    } finally {
      Files.deleteIfExists(received.file());
    }
  }

  /** A data URL's bytes; it must say base64 (data:image/png;base64,...). */
  private static byte[] dataUrl(String url, long max, String where) {
    int comma = url.indexOf(',');
    if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
      throw invalid(where + ": a data URL must be base64 (data:image/png;base64,...)", where);
    }
    try {
      return Uploads.base64(url, max, where + ": the data URL");
    } catch (ApiException e) {
      throw e.status() == 400 ? e.withParam(where) : e;
    }
  }

  private static DecodingSettings settings(JsonNode body) {
    Integer maxTokens = integer(body, "max_completion_tokens");
    if (maxTokens == null) {
      maxTokens = integer(body, "max_tokens");
    }
    if (maxTokens != null && maxTokens < 1) {
      throw invalid("max_tokens must be at least 1", "max_tokens");
    }
    List<String> stop = new ArrayList<>();
    JsonNode stopNode = body.path("stop");
    if (stopNode.isTextual()) {
      if (stopNode.asText().isEmpty()) {
        throw invalid("stop must not be empty", "stop");
      }
      stop.add(stopNode.asText());
    } else if (stopNode.isArray()) {
      if (stopNode.size() > 4) {
        throw invalid("stop holds at most 4 strings", "stop");
      }
      for (JsonNode s : stopNode) {
        if (!s.isTextual() || s.asText().isEmpty()) {
          throw invalid("stop holds non-empty strings", "stop");
        }
        stop.add(s.asText());
      }
    } else if (!stopNode.isMissingNode() && !stopNode.isNull()) {
      throw invalid("stop must be a string or an array of strings", "stop");
    }
    Double temperature = number(body, "temperature");
    if (temperature != null && (temperature < 0 || temperature > 2)) {
      throw invalid("temperature lies in [0, 2]", "temperature");
    }
    boolean logprobs = Bodies.bool(body, "logprobs", false);
    Integer top = integer(body, "top_logprobs");
    if (top != null && !logprobs) {
      throw invalid("top_logprobs needs logprobs: true", "top_logprobs");
    }
    Long seed = body.path("seed").isIntegralNumber() ? body.get("seed").asLong() : null;
    try {
      return new DecodingSettings(maxTokens, null, temperature, number(body, "top_p"),
          integer(body, "top_k"), number(body, "min_p"), number(body, "repetition_penalty"),
          number(body, "presence_penalty"), number(body, "frequency_penalty"), seed, stop,
          List.of(), Bodies.bool(body, "ignore_eos", false), top == null ? 0 : top);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage(), null);
    }
  }

  private static Integer integer(JsonNode body, String field) {
    JsonNode v = body.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber()) {
      throw invalid(field + " must be an integer", field);
    }
    return v.asInt();
  }

  private static Double number(JsonNode body, String field) {
    JsonNode v = body.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw invalid(field + " must be a number", field);
    }
    return v.asDouble();
  }

  private ObjectNode response(String id, long created, String model, ChatCompletion completion,
      boolean logprobs) {
    ObjectNode body = json.createObjectNode();
    body.put("id", id);
    body.put("object", "chat.completion");
    body.put("created", created);
    body.put("model", model);
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", completion.text());
    message.putNull("refusal");
    if (logprobs && !completion.logprobs().isEmpty()) {
      choice.set("logprobs", logprobs(completion.logprobs()));
    } else {
      choice.putNull("logprobs");
    }
    choice.put("finish_reason", finishReason(completion.finishReason()));
    body.set("usage", usage(completion.usage()));
    return body;
  }

  private ObjectNode logprobs(List<ChatLogprob> tokens) {
    ObjectNode logprobs = json.createObjectNode();
    ArrayNode content = logprobs.putArray("content");
    for (ChatLogprob token : tokens) {
      ObjectNode entry = tokenEntry(content.addObject(), token);
      ArrayNode top = entry.putArray("top_logprobs");
      token.top().forEach(alternative -> tokenEntry(top.addObject(), alternative));
    }
    return logprobs;
  }

  private static ObjectNode tokenEntry(ObjectNode entry, ChatLogprob token) {
    entry.put("token", token.token());
    entry.put("logprob", token.logprob());
    ArrayNode bytes = entry.putArray("bytes");
    for (byte b : token.bytes()) {
      bytes.add(b & 0xff);
    }
    return entry;
  }

  private ObjectNode usage(ChatCompletion.Usage usage) {
    ObjectNode node = json.createObjectNode();
    node.put("prompt_tokens", usage.promptTokens());
    node.put("completion_tokens", usage.completionTokens());
    node.put("total_tokens", usage.totalTokens());
    return node;
  }

  /** OpenAI knows stop and length; a cancelled answer ended because the client left. */
  private static String finishReason(FinishReason reason) {
    return reason == FinishReason.LENGTH ? "length" : "stop";
  }

  /**
   * Streams the answer as {@code chat.completion.chunk} events: the role, the text as it comes,
   * a last chunk with the finish reason (and the log-probabilities when asked), the usage when
   * asked, then {@code [DONE]}. A client that goes away cancels the generation.
   */
  private ChatCompletion stream(Context ctx, Generator generator, ChatRequest request, String id,
      long created, boolean logprobs, boolean includeUsage) throws IOException {
    ServerSentEvents events = ServerSentEvents.start(ctx);
    ObjectNode first = chunk(id, created, generator.model());
    ObjectNode firstChoice = (ObjectNode) first.get("choices").get(0);
    firstChoice.putObject("delta").put("role", "assistant").put("content", "");
    events.send(first);
    ChatCompletion completion;
    try {
      completion = generator.complete(request, delta -> {
        ObjectNode chunk = chunk(id, created, generator.model());
        ((ObjectNode) chunk.get("choices").get(0)).putObject("delta").put("content", delta);
        events.send(chunk);
      }, events::gone);
    } catch (RuntimeException e) {
      // the status line is sent: the error travels as an event
      ObjectNode error = json.createObjectNode();
      ObjectNode detail = error.putObject("error");
      detail.put("message", e instanceof GeneratorBusyException || e instanceof PromptRefusedException
          || e instanceof ChatTemplateException || e instanceof RemoteBackendException ? e.getMessage()
          : "generation failed; the server log has the details under request id " + ServerApp.requestId(ctx));
      detail.put("type", e instanceof GeneratorBusyException ? "rate_limit_error"
          : e instanceof PromptRefusedException || e instanceof ChatTemplateException ? "invalid_request_error"
          : "server_error");
      detail.putNull("param");
      detail.putNull("code");
      events.send(error);
      events.done();
      throw new StreamEnded(e);
    }
    ObjectNode last = chunk(id, created, generator.model());
    ObjectNode lastChoice = (ObjectNode) last.get("choices").get(0);
    lastChoice.putObject("delta");
    if (logprobs && !completion.logprobs().isEmpty()) {
      lastChoice.set("logprobs", logprobs(completion.logprobs()));
    }
    lastChoice.put("finish_reason", finishReason(completion.finishReason()));
    events.send(last);
    if (includeUsage) {
      ObjectNode usage = json.createObjectNode();
      usage.put("id", id);
      usage.put("object", "chat.completion.chunk");
      usage.put("created", created);
      usage.put("model", generator.model());
      usage.putArray("choices");
      usage.set("usage", usage(completion.usage()));
      events.send(usage);
    }
    events.done();
    return completion;
  }

  private ObjectNode chunk(String id, long created, String model) {
    ObjectNode chunk = json.createObjectNode();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return chunk;
  }

  /** A stream that failed after its first event: the response is already complete. */
  static final class StreamEnded extends RuntimeException {
    StreamEnded(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static RequestValidationException invalid(String message, String param) {
    return ApiException.invalid(message, param);
  }
}
