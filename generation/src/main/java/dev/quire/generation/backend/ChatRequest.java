package dev.quire.generation.backend;

import dev.quire.generation.DecodingSettings;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A chat to answer: messages (maps with {@code role} and {@code content}, a string or parts
 * {@code {type: text, text}} and {@code {type: image}}), the images the image parts stand for in
 * order, decoding settings, options for the chat template ({@code enable_thinking}, ...), and the
 * shape the answer must take.
 */
public record ChatRequest(List<Map<String, Object>> messages, List<BufferedImage> images,
    DecodingSettings settings, Map<String, Object> templateOptions, ResponseFormat responseFormat) {

  /** A request for free text. */
  public ChatRequest(List<Map<String, Object>> messages, List<BufferedImage> images,
      DecodingSettings settings, Map<String, Object> templateOptions) {
    this(messages, images, settings, templateOptions, ResponseFormat.TEXT);
  }


  public ChatRequest {
    messages = List.copyOf(messages);
    images = List.copyOf(images);
    Objects.requireNonNull(settings, "settings");
    templateOptions = Map.copyOf(templateOptions);
    responseFormat = responseFormat == null ? ResponseFormat.TEXT : responseFormat;
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat needs at least one message");
    }
  }
}
