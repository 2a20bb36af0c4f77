package dev.quire.generation.backend;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.FinishReason;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * A server that speaks the OpenAI chat API as a {@link Generator}, through the official
 * openai-java client (its own retries off) inside resilience4j: a bulkhead bounds the requests in
 * flight (and those waiting for one), retries with exponential backoff and jitter take 429s,
 * 5xx, connection resets and timeouts (a {@code Retry-After} is honoured), a circuit breaker
 * stops calling a server that keeps failing. Pages go as PNG data URLs. Streaming answers are
 * retried only until their first text: once a listener has seen text, a cut stream is an error.
 */
public final class RemoteChatGenerator implements Generator {

  /** Backoff: 0.5 s doubling per attempt, +-50% jitter, at most 20 s; Retry-After up to 60 s. */
  private static final long BASE_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 20_000;
  private static final long MAX_RETRY_AFTER_MILLIS = 60_000;

  private final BackendSpec.OpenAi spec;
  private final OpenAIClient client;
  private final Bulkhead bulkhead;
  private final CircuitBreaker breaker;
  private final Retry retry;

  public RemoteChatGenerator(BackendSpec.OpenAi spec, String apiKey) {
    this.spec = spec;
    this.client = OpenAIOkHttpClient.builder()
        .baseUrl(spec.url().toString())
        .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
        .timeout(spec.timeout())
        .maxRetries(0) // resilience4j retries, with Retry-After and jitter
        .build();
    this.bulkhead = Bulkhead.of(spec.name(), BulkheadConfig.custom()
        .maxConcurrentCalls(spec.maxConcurrent())
        .maxWaitDuration(spec.maxQueued() == 0 ? Duration.ZERO : spec.timeout())
        .build());
    this.breaker = CircuitBreaker.of(spec.name(), CircuitBreakerConfig.custom()
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(30))
        .recordException(RemoteChatGenerator::retryable)
        .build());
    this.retry = Retry.of(spec.name(), RetryConfig.<Object>custom()
        .maxAttempts(spec.maxAttempts())
        .retryOnException(RemoteChatGenerator::retryable)
        .intervalBiFunction(RemoteChatGenerator::backoff)
        .failAfterMaxAttempts(false)
        .build());
  }

  /** Opens the backend of {@code spec}, its key read from the variable it names. */
  public static RemoteChatGenerator open(BackendSpec.OpenAi spec, Map<String, String> environment) {
    String key = null;
    if (spec.apiKeyEnv() != null && !spec.apiKeyEnv().isBlank()) {
      key = environment.get(spec.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("generation.backends." + spec.name() + ".api_key_env names "
            + spec.apiKeyEnv() + ", which is not set");
      }
    }
    return new RemoteChatGenerator(spec, key);
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public String model() {
    return spec.modelId();
  }

  @Override
  public ChatCompletion complete(ChatRequest request, ChatListener listener,
      BooleanSupplier cancelled) {
    ChatCompletionCreateParams params = params(request);
    boolean[] textSeen = {false};
    Supplier<ChatCompletion> call = () -> {
      if (textSeen[0]) {
        throw new StreamCut();
      }
      return listener == ChatListener.NONE ? whole(params) : streamed(params, listener, cancelled, textSeen);
    };
    Supplier<ChatCompletion> guarded = Bulkhead.decorateSupplier(bulkhead,
        Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)));
    long started = System.nanoTime();
    try {
      ChatCompletion answer = guarded.get();
      return new ChatCompletion(answer.text(), answer.logprobs(), answer.finishReason(),
          answer.usage(), System.nanoTime() - started);
    } catch (BulkheadFullException e) {
      throw new GeneratorBusyException("backend " + spec.name() + " has " + spec.maxConcurrent()
          + " requests in flight and no room to wait; try again later");
    } catch (CallNotPermittedException e) {
      throw new RemoteBackendException("backend " + spec.name() + " (" + spec.url() + ") failed too"
          + " often lately; calls are paused for a while", e);
    } catch (StreamCut e) {
      throw new RemoteBackendException("backend " + spec.name() + ": the stream broke off after"
          + " part of the answer was sent (" + describe(e.getCause()) + ")", e.getCause());
    } catch (OpenAIException | UncheckedIOException e) {
      throw new RemoteBackendException("backend " + spec.name() + " (" + spec.url() + "): "
          + describe(e), e);
    }
  }

  private ChatCompletion whole(ChatCompletionCreateParams params) {
    com.openai.models.chat.completions.ChatCompletion answer = client.chat().completions().create(params);
    if (answer.choices().isEmpty()) {
      throw new OpenAIIoException("the answer has no choices", null);
    }
    com.openai.models.chat.completions.ChatCompletion.Choice choice = answer.choices().getFirst();
    List<ChatLogprob> logprobs = choice.logprobs().flatMap(l -> l.content())
        .map(RemoteChatGenerator::logprobs).orElse(List.of());
    ChatCompletion.Usage usage = answer.usage()
        .map(u -> new ChatCompletion.Usage((int) u.promptTokens(), (int) u.completionTokens()))
        .orElse(new ChatCompletion.Usage(0, logprobs.size()));
    return new ChatCompletion(choice.message().content().orElse(""), logprobs,
        finish(choice.finishReason().asString()), usage, 0);
  }

  private ChatCompletion streamed(ChatCompletionCreateParams params, ChatListener listener,
      BooleanSupplier cancelled, boolean[] textSeen) {
    ChatCompletionCreateParams withUsage = params.toBuilder()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    StringBuilder text = new StringBuilder();
    List<ChatLogprob> logprobs = new ArrayList<>();
    FinishReason finish = null;
    ChatCompletion.Usage usage = null;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(withUsage)) {
      Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
      while (chunks.hasNext()) {
        if (cancelled.getAsBoolean()) {
          finish = FinishReason.CANCELLED;
          break;
        }
        ChatCompletionChunk chunk = chunks.next();
        for (ChatCompletionChunk.Choice choice : chunk.choices()) {
          String delta = choice.delta().content().orElse("");
          if (!delta.isEmpty()) {
            text.append(delta);
            textSeen[0] = true;
            listener.onText(delta);
          }
          choice.logprobs().flatMap(l -> l.content()).ifPresent(c -> logprobs.addAll(logprobs(c)));
          if (choice.finishReason().isPresent()) {
            finish = finish(choice.finishReason().get().asString());
          }
        }
        if (chunk.usage().isPresent()) {
          usage = new ChatCompletion.Usage((int) chunk.usage().get().promptTokens(),
              (int) chunk.usage().get().completionTokens());
        }
      }
    } catch (RuntimeException e) {
      if (textSeen[0]) {
        throw new StreamCut(e);
      }
      throw e;
    }
    if (finish == null) {
      // the stream ended without a finish reason: it was cut
      OpenAIIoException cut = new OpenAIIoException("the stream ended without a finish reason", null);
      if (textSeen[0]) {
        throw new StreamCut(cut);
      }
      throw cut;
    }
    return new ChatCompletion(text.toString(), logprobs, finish,
        usage != null ? usage : new ChatCompletion.Usage(0, logprobs.size()), 0);
  }

  ChatCompletionCreateParams params(ChatRequest request) {
    ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(spec.model());
    Iterator<BufferedImage> images = request.images().iterator();
    for (Map<String, Object> message : request.messages()) {
      params.addMessage(message(message, images));
    }
    DecodingSettings s = request.settings();
    if (s.maxNewTokens() != null) {
      params.maxCompletionTokens(s.maxNewTokens().longValue());
    }
    if (Boolean.FALSE.equals(s.doSample())) {
      params.temperature(0.0);
    } else if (s.temperature() != null) {
      params.temperature(s.temperature());
    }
    if (s.topP() != null) {
      params.topP(s.topP());
    }
    if (s.presencePenalty() != null) {
      params.presencePenalty(s.presencePenalty());
    }
    if (s.frequencyPenalty() != null) {
      params.frequencyPenalty(s.frequencyPenalty());
    }
    if (s.seed() != null) {
      params.seed(s.seed());
    }
    if (!s.stop().isEmpty()) {
      params.stopOfStrings(s.stop());
    }
    if (s.topLogprobs() > 0) {
      params.logprobs(true).topLogprobs((long) s.topLogprobs());
    } else {
      params.logprobs(true);
    }
    // vLLM's and SGLang's sampling extensions, sent only when asked for
    if (s.topK() != null) {
      params.putAdditionalBodyProperty("top_k", JsonValue.from(s.topK()));
    }
    if (s.minP() != null) {
      params.putAdditionalBodyProperty("min_p", JsonValue.from(s.minP()));
    }
    if (s.repetitionPenalty() != null) {
      params.putAdditionalBodyProperty("repetition_penalty", JsonValue.from(s.repetitionPenalty()));
    }
    switch (request.responseFormat().type()) {
      case TEXT -> { }
      case JSON_OBJECT -> params.putAdditionalBodyProperty("response_format",
          JsonValue.from(Map.of("type", "json_object")));
      case JSON_SCHEMA -> params.putAdditionalBodyProperty("response_format", JsonValue.from(Map.of(
          "type", "json_schema", "json_schema", Map.of("name", "answer", "strict", true,
              "schema", new com.fasterxml.jackson.databind.ObjectMapper().convertValue(
                  request.responseFormat().schema(), Map.class)))));
    }
    if (!request.templateOptions().isEmpty()) {
      Map<String, Object> template = new java.util.LinkedHashMap<>(request.templateOptions());
      Object tools = template.remove("tools");
      if (tools != null) {
        params.putAdditionalBodyProperty("tools", JsonValue.from(tools));
      }
      if (!template.isEmpty()) {
        params.putAdditionalBodyProperty("chat_template_kwargs", JsonValue.from(template));
      }
    }
    return params.build();
  }

  private static ChatCompletionMessageParam message(Map<String, Object> message,
      Iterator<BufferedImage> images) {
    String role = String.valueOf(message.get("role"));
    Object content = message.get("content");
    return switch (role) {
      case "system" -> ChatCompletionMessageParam.ofSystem(ChatCompletionSystemMessageParam.builder()
          .content(text(content)).build());
      case "assistant" -> ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder()
          .content(text(content)).build());
      case "tool" -> ChatCompletionMessageParam.ofTool(ChatCompletionToolMessageParam.builder()
          .toolCallId(String.valueOf(message.getOrDefault("tool_call_id", ""))).content(text(content)).build());
      default -> {
        if (content instanceof List<?> parts) {
          List<ChatCompletionContentPart> out = new ArrayList<>();
          for (Object part : parts) {
            Map<?, ?> map = (Map<?, ?>) part;
            if ("image".equals(map.get("type"))) {
              if (!images.hasNext()) {
                throw new IllegalArgumentException("an image part has no image");
              }
              out.add(ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                  .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                      .url(dataUrl(images.next())).build())
                  .build()));
            } else {
              out.add(ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                  .text(String.valueOf(map.get("text"))).build()));
            }
          }
          yield ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder()
              .contentOfArrayOfContentParts(out).build());
        }
        yield ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder()
            .content(text(content)).build());
      }
    };
  }

  /** A message's text: a string, or its text parts joined. */
  private static String text(Object content) {
    if (content instanceof List<?> parts) {
      StringBuilder out = new StringBuilder();
      for (Object part : parts) {
        if (part instanceof Map<?, ?> map && map.get("text") != null) {
          out.append(map.get("text"));
        }
      }
      return out.toString();
    }
    return content == null ? "" : content.toString();
  }

  static String dataUrl(BufferedImage image) {
    try {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image, "png", png);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a page as PNG", e);
    }
  }

  private static List<ChatLogprob> logprobs(List<ChatCompletionTokenLogprob> tokens) {
    List<ChatLogprob> out = new ArrayList<>(tokens.size());
    for (ChatCompletionTokenLogprob token : tokens) {
      List<ChatLogprob> top = new ArrayList<>();
      for (ChatCompletionTokenLogprob.TopLogprob alternative : token.topLogprobs()) {
        top.add(new ChatLogprob(alternative.token(), bytes(alternative.bytes().orElse(null), alternative.token()),
            alternative.logprob(), alternative.logprob(), List.of()));
      }
      out.add(new ChatLogprob(token.token(), bytes(token.bytes().orElse(null), token.token()),
          token.logprob(), token.logprob(), top));
    }
    return out;
  }

  private static byte[] bytes(List<Long> values, String token) {
    if (values == null) {
      return token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    byte[] out = new byte[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).byteValue();
    }
    return out;
  }

  private static FinishReason finish(String reason) {
    return "length".equals(reason) ? FinishReason.LENGTH : FinishReason.STOP;
  }

  /** 429s, 5xx (and 408, 409), connection resets, timeouts and malformed answers are retried. */
  static boolean retryable(Throwable e) {
    if (e instanceof OpenAIServiceException service) {
      int status = service.statusCode();
      return status == 408 || status == 409 || status == 429 || status >= 500;
    }
    return e instanceof OpenAIIoException || e instanceof UncheckedIOException
        || e instanceof com.openai.errors.OpenAIInvalidDataException
        || e instanceof com.openai.errors.SseException;
  }

  /** The server's Retry-After when it gave one, else exponential backoff with jitter. */
  static long backoff(int attempt, Either<Throwable, Object> outcome) {
    if (outcome.isLeft() && outcome.getLeft() instanceof OpenAIServiceException service) {
      for (String value : service.headers().values("Retry-After")) {
        try {
          double seconds = Double.parseDouble(value.trim());
          return Math.min((long) (seconds * 1000), MAX_RETRY_AFTER_MILLIS);
        } catch (NumberFormatException e) {
          // an HTTP date: fall back to our own backoff
        }
      }
    }
    long exponential = Math.min(BASE_MILLIS << Math.min(attempt - 1, 16), MAX_BACKOFF_MILLIS);
    return (long) (exponential * (0.5 + ThreadLocalRandom.current().nextDouble()));
  }

  private static String describe(Throwable e) {
    if (e instanceof OpenAIServiceException service) {
      return "HTTP " + service.statusCode() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /** A failure after text reached the listener: not retried. */
  private static final class StreamCut extends RuntimeException {
    StreamCut() {
      super("a retry after text was sent", null, false, false);
    }

    StreamCut(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
